import { sql } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { rowObjects } from '../../server/db/client.ts';
import { users } from '../../server/db/schema.ts';
import { PASSWORD, agent, createTestApp, makeUser } from '../helpers.ts';
import { cookieValue, countUsers, rolesOfUser, sessionRows, sha256Hex, signupForm, userByEmail } from './support.ts';

const PARTIAL = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };

describe('GET /signup', () => {
  it('shows the sign-up form with every field', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/signup');
    expect(res.status).toBe(200);
    for (const field of ['name', 'email', 'password', 'school', 'region', 'country', 'language']) {
      expect(res.text).toContain(`name="${field}"`);
    }
    expect(res.text).toContain('action="/signup"');
  });
});

describe('POST /signup', () => {
  it('creates a teacher account, signs them in and sends them to the dashboard', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const form = signupForm({ email: 'New.Teacher@School.Example', language: 'ru' });
    const res = await agent(app).post('/signup').type('form').send(form);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');

    const user = await userByEmail(db, 'new.teacher@school.example');
    expect(user).toMatchObject({ name: 'Anna Petrova' });
    expect(user?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await rolesOfUser(db, user?.id ?? 0)).toEqual(['teacher']);
    const [row] = await rowObjects(db, sql`SELECT school, region, country, language FROM users WHERE id = ${user?.id}`);
    expect(row).toEqual({ school: 'School No. 1', region: 'Murmansk Oblast', country: 'Russia', language: 'ru' });

    const token = cookieValue(res, 'session');
    expect((await sessionRows(db, user?.id)).map((r) => r.id)).toEqual([sha256Hex(token ?? '')]);
    expect(cookieValue(res, 'lang')).toBe('ru');
  });

  it('answers 422 with a message for each bad field, keeps what was entered and never echoes the password', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const password = 'Zq9!xY';
    const res = await agent(app)
      .post('/signup')
      .type('form')
      .send({ name: '   ', email: 'not-an-email', password, school: 'Kept School', region: 'Kept Region', country: 'Kept Country', language: 'xx' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please fill this in.');
    expect(res.text).toContain('Enter an email address like name@school.org.');
    expect(res.text).toContain('Use at least 8 characters.');
    expect(res.text).toContain('Choose English or Russian.');
    expect(res.text).toMatch(/id="f-name"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('value="Kept School"');
    expect(res.text).toContain('value="Kept Region"');
    expect(res.text).toContain('value="Kept Country"');
    expect(res.text).not.toContain(password);
    expect(await countUsers(db)).toBe(0);
    expect(cookieValue(res, 'session')).toBeUndefined();
  });

  it('never echoes a valid password when another field is wrong', async () => {
    const { app } = await createTestApp({ courses: false });
    const form = signupForm({ email: 'broken', password: 'secret-passphrase-that-is-fine' });
    const res = await agent(app).post('/signup').type('form').send(form);
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('secret-passphrase-that-is-fine');
  });

  it('refuses a name that is too long', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const res = await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ name: 'N'.repeat(121) }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('This is too long.');
    expect(await countUsers(db)).toBe(0);
  });

  it('accepts passwords of 8 to 256 characters and refuses longer ones', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const tooLong = await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ password: 'x7'.repeat(128) + 'y' }));
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('Use at most 256 characters.');
    const tooShort = await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ password: 'q7#kLw2' }));
    expect(tooShort.status).toBe(422);
    expect(tooShort.text).toContain('Use at least 8 characters.');
    expect(await countUsers(db)).toBe(0);

    await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ password: 'q7#kLw2z' }))
      .expect(303);
    await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ password: 'x7'.repeat(128) }))
      .expect(303);
    expect(await countUsers(db)).toBe(2);
  });

  it('refuses a common password with a clear message', async () => {
    const { app, db } = await createTestApp({ courses: false });
    for (const password of ['password123', 'PassWord123', 'football']) {
      const res = await agent(app).post('/signup').type('form').send(signupForm({ password }));
      expect(res.status, password).toBe(422);
      expect(res.text).toContain('This password is one of the most common ones. Choose something harder to guess.');
      expect(res.text).not.toContain(password);
    }
    expect(await countUsers(db)).toBe(0);
  });

  // Without mail there is no hiding it (a new address gets in at once), so the message says as little as possible.
  it('refuses an email that already has an account, whatever its case, without saying so outright', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await makeUser(db, { email: 'anna@x.org' });
    const res = await agent(app)
      .post('/signup')
      .type('form')
      .send(signupForm({ email: 'Anna@X.org' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('We could not create an account with these details.');
    expect(res.text).not.toContain('already exists');
    expect(res.text).not.toContain('aria-invalid="true"');
    expect(res.text).toContain('value="Anna@X.org"');
    expect(await countUsers(db)).toBe(1);
    expect(cookieValue(res, 'session')).toBeUndefined();
  });

  it('answers an htmx request with errors with just the form fragment', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await agent(app)
      .post('/signup')
      .set(PARTIAL)
      .type('form')
      .send(signupForm({ email: 'nope' }));
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('<html');
    expect(res.text.trim()).toMatch(/^<form[^>]+id="signup-form"/);
    expect(res.text).toContain('Enter an email address like name@school.org.');
  });

  it('answers a successful htmx request with HX-Redirect', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await agent(app).post('/signup').set(PARTIAL).type('form').send(signupForm());
    expect(res.headers['hx-redirect']).toBe('/dashboard');
    expect(res.status).toBeLessThan(300);
    expect(cookieValue(res, 'session')).toBeDefined();
  });
});

describe('POST /login', () => {
  it('signs in with the right password, ignoring the case of the email', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db, { email: 'maria@school.example' });
    const res = await agent(app).post('/login').type('form').send({ email: '  Maria@School.EXAMPLE ', password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    expect(await sessionRows(db, user.id)).toHaveLength(1);
  });

  it('gives the same message and status for an unknown email and a wrong password', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await makeUser(db, { email: 'known@school.example' });
    const unknown = await agent(app).post('/login').type('form').send({ email: 'nobody@school.example', password: PASSWORD });
    const wrong = await agent(app).post('/login').type('form').send({ email: 'known@school.example', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.text).toContain('The email or password is not right.');
    // The whole page is the same but for the email typed in.
    expect(wrong.text.replace('known@school.example', 'EMAIL')).toBe(unknown.text.replace('nobody@school.example', 'EMAIL'));
    expect(wrong.text).not.toContain('not the password');
    expect(await sessionRows(db)).toEqual([]);
  });

  it('gives the same message for an account that has no password yet', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await db.insert(users).values({ email: 'nopass@school.example', name: 'No Pass', passwordHash: null, createdAt: 0 });
    const res = await agent(app).post('/login').type('form').send({ email: 'nopass@school.example', password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.text).toContain('The email or password is not right.');
  });

  it('answers an htmx request with errors with just the form fragment', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const res = await agent(app).post('/login').set(PARTIAL).type('form').send({ email: user.email, password: 'wrong password' });
    expect([401, 422]).toContain(res.status);
    expect(res.text).not.toContain('<html');
    expect(res.text.trim()).toMatch(/^<form[^>]+id="login-form"/);
    expect(res.text).toContain('The email or password is not right.');
    expect(res.text).toContain(`value="${user.email}"`);
  });

  it('answers a successful htmx sign-in with HX-Redirect', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const res = await agent(app).post('/login').set(PARTIAL).type('form').send({ email: user.email, password: PASSWORD, next: '/profile' });
    expect(res.headers['hx-redirect']).toBe('/profile');
    expect(res.status).toBeLessThan(300);
    expect(cookieValue(res, 'session')).toBeDefined();
  });

  // The sign-in limits (per account, per account and address, per address) are in rate-limit.test.ts.
  it('does not count successful sign-ins against the account', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    for (let i = 0; i < 12; i++) {
      await agent(app)
        .post('/login')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .type('form')
        .send({ email: user.email, password: PASSWORD })
        .expect(303);
    }
  });
});

describe('GET /login', () => {
  it('sends someone already signed in on to a local next page', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const a = agent(app);
    await a.post('/login').type('form').send({ email: user.email, password: PASSWORD }).expect(303);
    const res = await a.get('/login?next=/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
  });
});
