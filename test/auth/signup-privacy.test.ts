// Point 8: sign-up must not tell a visitor which addresses are registered.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, agent, createTestApp, makeUser } from '../helpers.ts';
import { type TestSmtp, linkIn, startSmtp } from '../support/smtp.ts';
import { cookieValue, countUsers, sessionRows, settle, signupForm, tokenRowsOf, userByEmail, verifiedAt } from './support.ts';

const PARTIAL = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };
const BASE = 'http://localhost:3000';

describe('POST /signup with mail configured', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it('answers a new and a registered address alike, creating an unverified account only for the new one', async () => {
    const ctx = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });
    const owner = await makeUser(ctx.db, { email: 'taken@school.example', name: 'Tatiana Owner', language: 'ru' });
    const ownerBefore = await userByEmail(ctx.db, 'taken@school.example');

    const known = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'Taken@School.example', name: 'Intruder', password: 'intruder passphrase 9' }));
    const fresh = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'newcomer@school.example', name: 'Nina Newcomer', language: 'ru' }));

    for (const res of [known, fresh]) {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/signup/check-mail');
      expect(cookieValue(res, 'session')).toBeUndefined();
    }
    expect(known.text).toBe(fresh.text);

    // The registered account is untouched; the new one exists, unverified, signed in nowhere.
    expect(await userByEmail(ctx.db, 'taken@school.example')).toEqual(ownerBefore);
    expect(await countUsers(ctx.db)).toBe(2);
    const newcomer = await userByEmail(ctx.db, 'newcomer@school.example');
    expect(newcomer?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifiedAt(ctx.db, newcomer?.id ?? 0)).toBeNull();
    expect(await sessionRows(ctx.db)).toEqual([]);
    expect(await tokenRowsOf(ctx.db, owner.id)).toEqual([]);
    expect((await tokenRowsOf(ctx.db, newcomer?.id)).map((t) => t.purpose)).toEqual(['verify']);

    await smtp.waitFor(2);
    const [warning] = smtp.to('taken@school.example');
    expect(smtp.to('taken@school.example')).toHaveLength(1);
    expect(warning?.subject).toContain('Попытка зарегистрироваться');
    expect(warning?.text).toContain('Tatiana Owner');
    expect(warning?.text).toMatch(/ http:\/\/localhost:3000\/login\s/);
    expect(warning?.text).toMatch(/ http:\/\/localhost:3000\/password-reset\s/);
    expect(linkIn(warning!, `${BASE}/verify/`)).toBeUndefined();
    expect(warning?.text).not.toContain('Intruder');

    const [welcome] = smtp.to('newcomer@school.example');
    expect(smtp.to('newcomer@school.example')).toHaveLength(1);
    expect(welcome?.subject).toContain('Подтвердите адрес');
    expect(linkIn(welcome!, `${BASE}/verify/`)).toMatch(/^http:\/\/localhost:3000\/verify\/[a-z2-7]{32}$/);
  });

  it('warns the owner of a registered address at most three times an hour, however often it is tried', async () => {
    const ctx = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url, TRUST_PROXY: 'loopback' } });
    await makeUser(ctx.db, { email: 'flooded@school.example' });
    const before = smtp.to('flooded@school.example').length;
    for (let i = 0; i < 6; i++) {
      const res = await agent(ctx.app)
        .post('/signup')
        .set('X-Forwarded-For', `10.20.30.${i + 1}`)
        .type('form')
        .send(signupForm({ email: 'flooded@school.example' }));
      // The answer never changes, so the cap tells a prober nothing either.
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/signup/check-mail');
    }
    await settle(500);
    expect(smtp.to('flooded@school.example').length - before).toBe(3);
  });

  it('answers htmx requests alike too, with the same HX-Redirect', async () => {
    const ctx = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });
    await makeUser(ctx.db, { email: 'taken2@school.example' });
    const sent = smtp.messages.length;
    const known = await agent(ctx.app)
      .post('/signup')
      .set(PARTIAL)
      .type('form')
      .send(signupForm({ email: 'taken2@school.example' }));
    const fresh = await agent(ctx.app)
      .post('/signup')
      .set(PARTIAL)
      .type('form')
      .send(signupForm({ email: 'fresh2@school.example' }));
    expect(known.status).toBe(fresh.status);
    expect(known.headers['hx-redirect']).toBe('/signup/check-mail');
    expect(fresh.headers['hx-redirect']).toBe('/signup/check-mail');
    await smtp.waitFor(sent + 2);
  });

  it('leaves a registered password working and does not let the intruder in', async () => {
    const ctx = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });
    const owner = await makeUser(ctx.db, { email: 'keeper@school.example' });
    const sent = smtp.messages.length;
    await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'keeper@school.example', password: 'intruder passphrase 9' }))
      .expect(303);
    await agent(ctx.app).post('/login').type('form').send({ email: 'keeper@school.example', password: 'intruder passphrase 9' }).expect(401);
    await agent(ctx.app).post('/login').type('form').send({ email: owner.email, password: PASSWORD }).expect(303);
    await smtp.waitFor(sent + 1);
  });

  it('shows one "check your e-mail" page that names no address', async () => {
    const { app } = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });
    const res = await request(app).get('/signup/check-mail');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Check your e-mail to finish');
    expect(res.text).not.toContain('@');
  });

  it('still answers 422 for a malformed form, sending nothing', async () => {
    const ctx = await createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });
    const sent = smtp.messages.length;
    const res = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'not-an-email' }));
    expect(res.status).toBe(422);
    expect(await countUsers(ctx.db)).toBe(0);
    await settle();
    expect(smtp.messages).toHaveLength(sent);
  });
});

describe('POST /signup without mail', () => {
  it('signs a new address in at once, verified (nothing could ever prove it)', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'solo@school.example' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const user = await userByEmail(ctx.db, 'solo@school.example');
    expect(await verifiedAt(ctx.db, user?.id ?? 0)).toEqual(expect.any(Number));
    expect(await sessionRows(ctx.db, user?.id)).toHaveLength(1);
    expect(await tokenRowsOf(ctx.db)).toEqual([]);
  });

  it('answers a registered address with one generic message and no field marked, changing nothing', async () => {
    const ctx = await createTestApp({ courses: false });
    await makeUser(ctx.db, { email: 'known@school.example' });
    const before = await userByEmail(ctx.db, 'known@school.example');
    const res = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'known@school.example', name: 'Someone Else' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('We could not create an account with these details. If you already have one, sign in');
    expect(res.text).not.toContain('An account with this email already exists');
    expect(res.text).not.toContain('aria-invalid="true"');
    expect(cookieValue(res, 'session')).toBeUndefined();
    expect(await userByEmail(ctx.db, 'known@school.example')).toEqual(before);
    expect(await countUsers(ctx.db)).toBe(1);
    expect(await sessionRows(ctx.db)).toEqual([]);
  });
});
