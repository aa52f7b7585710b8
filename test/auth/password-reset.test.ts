// Point 9: "forgot your password", by mail, and the administrator's reset link.
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { createSignInLinkToken } from '../../server/auth/queries.ts';
import { oneTimeTokens, users } from '../../server/db/schema.ts';
import { PASSWORD, agent, createTestApp, makeUser, signedIn, userAgent } from '../helpers.ts';
import { type TestSmtp, linkIn, startSmtp } from '../support/smtp.ts';
import { cookieValue, pathOf, sessionRows, settle, sha256Hex, tokenOf, tokenRowsOf, userByEmail, verifiedAt } from './support.ts';

const BASE = 'http://localhost:3000';
const HOUR = 3600 * 1000;
const NEW_PASSWORD = 'a fresh lichen passphrase';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

const withMail = () => createTestApp({ courses: false, env: { SMTP_URL: smtp.url } });

/** Asks for a reset link by mail and returns it (as a path). */
async function mailedLink(app: Awaited<ReturnType<typeof withMail>>['app'], email: string): Promise<string> {
  const before = smtp.messages.length;
  await agent(app).post('/password-reset').type('form').send({ email }).expect(303);
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  const link = linkIn(mail!, `${BASE}/password-reset/`);
  if (!link) throw new Error('no reset link in the mail');
  return pathOf(link);
}

describe('GET /password-reset', () => {
  it('is linked from the sign-in form', async () => {
    const { app } = await withMail();
    const res = await request(app).get('/login');
    expect(res.text).toContain('href="/password-reset"');
    expect(res.text).toContain('Forgot your password?');
  });

  it('asks for the e-mail address when mail is configured', async () => {
    const { app } = await withMail();
    const res = await request(app).get('/password-reset');
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/password-reset"');
    expect(res.text).toContain('name="email"');
  });

  it('says whom to ask when the platform cannot send mail, with no form', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/password-reset');
    expect(res.status).toBe(200);
    expect(res.text).toContain('ask your trainer or an administrator for a password reset link');
    expect(res.text).not.toContain('action="/password-reset"');
  });
});

describe('POST /password-reset', () => {
  it('mails a one-hour, single-use link to a known address, storing only its hash', async () => {
    const { app, db } = await withMail();
    const user = await makeUser(db, { email: 'olga@school.example', name: 'Olga Reset', language: 'ru' });
    const before = smtp.messages.length;
    const res = await agent(app).post('/password-reset').type('form').send({ email: ' Olga@School.example ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/password-reset?sent=1');

    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.to).toEqual(['olga@school.example']);
    expect(mail?.subject).toContain('Сброс пароля');
    expect(mail?.text).toContain('Olga Reset');
    const link = linkIn(mail!, `${BASE}/password-reset/`) as string;
    expect(link).toMatch(/^http:\/\/localhost:3000\/password-reset\/[a-z2-7]{32}$/);

    const rows = await tokenRowsOf(db, user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sha256Hex(tokenOf(link)), purpose: 'reset', created_by: null, used_at: null });
    expect(rows[0]?.expires_at).toBeGreaterThan(Date.now() + HOUR - 60_000);
    expect(rows[0]?.expires_at).toBeLessThanOrEqual(Date.now() + HOUR);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));

    const page = await request(app).get('/password-reset?sent=1');
    expect(page.text).toContain('If an account uses that address');
  });

  it('answers an unknown address exactly as a known one, sending and storing nothing', async () => {
    const { app, db } = await withMail();
    await makeUser(db, { email: 'known@school.example' });
    const unknown = await agent(app).post('/password-reset').type('form').send({ email: 'nobody@school.example' });
    const sentBefore = smtp.messages.length;
    await settle();
    expect(smtp.messages).toHaveLength(sentBefore);
    expect(smtp.to('nobody@school.example')).toEqual([]);
    expect(await tokenRowsOf(db)).toEqual([]);
    const known = await agent(app).post('/password-reset').type('form').send({ email: 'known@school.example' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers.location).toBe(known.headers.location);
    expect(unknown.text).toBe(known.text);
    await smtp.waitFor(sentBefore + 1);
  });

  it('sends at most three reset mails per account per hour, answering the same', async () => {
    const { app, db } = await withMail();
    const user = await makeUser(db, { email: 'flooded@school.example' });
    const before = smtp.messages.length;
    for (let i = 0; i < 4; i++) {
      const res = await agent(app).post('/password-reset').type('form').send({ email: 'flooded@school.example' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/password-reset?sent=1');
    }
    await smtp.waitFor(before + 3);
    await settle();
    expect(smtp.messages).toHaveLength(before + 3);
    expect(smtp.to('flooded@school.example')).toHaveLength(3);
    expect(await tokenRowsOf(db, user.id)).toHaveLength(3);
  });

  it('refuses a malformed address with a field message', async () => {
    const { app, db } = await withMail();
    const res = await agent(app).post('/password-reset').type('form').send({ email: 'not-an-email' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an email address like name@school.org.');
    expect(await tokenRowsOf(db)).toEqual([]);
  });

  it('without mail, shows whom to ask and makes no link', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await makeUser(db, { email: 'nomail@school.example' });
    const res = await agent(app).post('/password-reset').type('form').send({ email: 'nomail@school.example' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('ask your trainer or an administrator');
    expect(await tokenRowsOf(db)).toEqual([]);
  });
});

describe('GET and POST /password-reset/:token', () => {
  it('sets the new password, ends every session, revokes the other links and signs the person in', async () => {
    const ctx = await withMail();
    const { app, db } = ctx;
    const { user, agent: laptop } = await userAgent(ctx, { email: 'pavel@school.example', name: 'Pavel' });
    const phone = await signedIn(app, user.email);
    const first = await mailedLink(app, user.email);
    const second = await mailedLink(app, user.email);

    const form = await request(app).get(second);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Choose a new password');
    expect(form.text).toContain(`action="${second}"`);

    const res = await agent(app).post(second).type('form').send({ password: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const row = await userByEmail(db, user.email);
    expect(await verifyPassword(row?.password_hash ?? '', NEW_PASSWORD)).toBe(true);
    expect((await sessionRows(db, user.id)).map((r) => r.id)).toEqual([sha256Hex(cookieValue(res, 'session') ?? '')]);
    await laptop.get('/profile').expect(303);
    await phone.get('/profile').expect(303);
    expect((await tokenRowsOf(db, user.id)).every((t) => t.used_at !== null)).toBe(true);

    // Neither link works again, and the password stays.
    for (const link of [first, second]) {
      const again = await request(app).get(link);
      expect(again.status).toBe(404);
      expect(again.text).toContain('This password reset link is not valid');
      await agent(app).post(link).type('form').send({ password: 'attacker passphrase 8' }).expect(404);
    }
    expect((await userByEmail(db, user.email))?.password_hash).toBe(row?.password_hash);
    await agent(app).post('/login').type('form').send({ email: user.email, password: PASSWORD }).expect(401);
  });

  it('refuses a weak password with 422 and leaves the link usable', async () => {
    const { app, db } = await withMail();
    const user = await makeUser(db, { email: 'weak@school.example' });
    const link = await mailedLink(app, user.email);
    const before = (await userByEmail(db, user.email))?.password_hash;
    const res = await agent(app).post(link).type('form').send({ password: 'password123' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('This password is one of the most common ones.');
    expect((await userByEmail(db, user.email))?.password_hash).toBe(before);
    expect((await tokenRowsOf(db, user.id))[0]?.used_at).toBeNull();
    await request(app).get(link).expect(200);
  });

  it('answers 404 once the hour has passed, changing nothing', async () => {
    const { app, db } = await withMail();
    const user = await makeUser(db, { email: 'late@school.example' });
    const link = await mailedLink(app, user.email);
    await db.update(oneTimeTokens).set({ expiresAt: Date.now() - 1 });
    const before = (await userByEmail(db, user.email))?.password_hash;
    await request(app).get(link).expect(404);
    await agent(app).post(link).type('form').send({ password: NEW_PASSWORD }).expect(404);
    expect((await userByEmail(db, user.email))?.password_hash).toBe(before);
  });

  it('does not accept a sign-in link token as a reset token', async () => {
    const ctx = await withMail();
    const { app, db } = ctx;
    const { user: admin } = await userAgent(ctx, { roles: ['admin'] });
    const pending = await makeUser(db, { email: 'mixed@school.example' });
    const token = await createSignInLinkToken(db, pending.id, admin.id);
    await request(app).get(`/password-reset/${token}`).expect(404);
  });
});

describe('POST /admin/users/:id/reset-link', () => {
  it('shows a one-time reset link for an account with a password, valid 24 hours, stored hashed', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user: admin, agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const target = await makeUser(ctx.db, { name: 'Rita Forgetful', email: 'rita@school.example' });
    const list = await adminAgent.get('/admin/users');
    expect(list.text).toContain(`action="/admin/users/${target.id}/reset-link"`);
    expect(list.text).not.toContain(`action="/admin/users/${target.id}/signin-link"`);

    const res = await adminAgent.post(`/admin/users/${target.id}/reset-link`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('One-time password reset link');
    expect(res.text).toContain('Rita Forgetful');
    const url = /value="(http:\/\/localhost:3000\/password-reset\/[a-z2-7]{32})"/.exec(res.text)?.[1] as string;
    expect(url).toBeDefined();
    const rows = await tokenRowsOf(ctx.db, target.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sha256Hex(tokenOf(url)), purpose: 'reset', created_by: admin.id, used_at: null });
    expect(rows[0]?.expires_at).toBeGreaterThan(Date.now() + 23 * HOUR);
    expect(rows[0]?.expires_at).toBeLessThanOrEqual(Date.now() + 24 * HOUR);

    // Until used, the account keeps its password and sessions.
    const session = await signedIn(ctx.app, target.email);
    await session.get('/profile').expect(200);
    await agent(ctx.app).post(pathOf(url)).type('form').send({ password: NEW_PASSWORD }).expect(303);
    await session.get('/profile').expect(303);
    expect(await verifyPassword((await userByEmail(ctx.db, target.email))?.password_hash ?? '', NEW_PASSWORD)).toBe(true);
  });

  it('does not verify the address: the link was handed over, not mailed to it', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const target = await makeUser(ctx.db, { email: 'unproven@school.example' });
    await ctx.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, target.id));
    const res = await adminAgent.post(`/admin/users/${target.id}/reset-link`);
    const url = /value="(http:\/\/localhost:3000\/password-reset\/[a-z2-7]+)"/.exec(res.text)?.[1] as string;
    await agent(ctx.app).post(pathOf(url)).type('form').send({ password: NEW_PASSWORD }).expect(303);
    expect(await verifiedAt(ctx.db, target.id)).toBeNull();
  });

  it('is refused to teachers and trainers, making no link', async () => {
    const ctx = await createTestApp({ courses: false });
    const target = await makeUser(ctx.db);
    for (const roles of [[], ['trainer']] as const) {
      const { agent: a } = await userAgent(ctx, { roles: [...roles] });
      await a.post(`/admin/users/${target.id}/reset-link`).expect(403);
    }
    expect(await tokenRowsOf(ctx.db)).toEqual([]);
  });

  it('answers 404 for an unknown account', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    await adminAgent.post('/admin/users/999999/reset-link').expect(404);
  });
});

describe('POST /admin/users/:id/signin-link for an account with a password', () => {
  it('makes no sign-in link and points to the reset link instead', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const target = await makeUser(ctx.db);
    const res = await adminAgent.post(`/admin/users/${target.id}/signin-link`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users?notice=hasPassword');
    expect(await tokenRowsOf(ctx.db)).toEqual([]);
    const page = await adminAgent.get('/admin/users?notice=hasPassword');
    expect(page.text).toContain('Sign-in links are only for learner accounts that have no password yet.');
  });
});
