import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SESSION_LIFETIME, createSession, deleteExpiredSessions, validateSessionToken } from '../../server/auth/sessions.ts';
import { rowObjects } from '../../server/db/client.ts';
import { sessions } from '../../server/db/schema.ts';
import { PASSWORD, agent, createTestApp, makeUser, signedIn } from '../helpers.ts';
import { DAY, cookieExpires, cookieLine, cookieValue, sessionRows, sha256Hex } from './support.ts';

async function login(app: Awaited<ReturnType<typeof createTestApp>>['app'], email: string, password = PASSWORD) {
  const res = await agent(app).post('/login').type('form').send({ email, password });
  expect(res.status).toBe(303);
  const token = cookieValue(res, 'session');
  if (!token) throw new Error('no session cookie');
  return { res, token };
}

describe('createSession', () => {
  it('makes a random base32 token of at least 20 bytes and stores only its SHA-256 hash', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token, session } = await createSession(db, user.id, 1_000);
    // 20 bytes = 160 bits = 32 base32 characters.
    expect(token).toMatch(/^[a-z2-7]{32,}$/);
    expect(session.id).toBe(sha256Hex(token));
    const rows = await sessionRows(db);
    expect(rows).toEqual([{ id: sha256Hex(token), user_id: user.id, expires_at: 1_000 + SESSION_LIFETIME, created_at: 1_000 }]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('never makes the same token twice', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const tokens = new Set(await Promise.all(Array.from({ length: 50 }, async () => (await createSession(db, user.id)).token)));
    expect(tokens.size).toBe(50);
  });
});

describe('validateSessionToken', () => {
  const start = Date.UTC(2025, 0, 1);

  it('returns the session and the user with their roles', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db, { roles: ['trainer'] });
    const { token } = await createSession(db, user.id, start);
    const result = await validateSessionToken(db, token, start + DAY);
    expect(result?.renewed).toBe(false);
    expect(result?.session).toEqual({ id: sha256Hex(token), userId: user.id, expiresAt: start + 30 * DAY });
    expect(result?.user).toMatchObject({ id: user.id, email: user.email, name: user.name, language: 'en' });
    expect(result?.user.roles.sort()).toEqual(['teacher', 'trainer']);
  });

  it('keeps the expiry while more than 15 days are left', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await createSession(db, user.id, start);
    const result = await validateSessionToken(db, token, start + 14 * DAY);
    expect(result?.renewed).toBe(false);
    expect(result?.session.expiresAt).toBe(start + 30 * DAY);
    expect((await sessionRows(db))[0]?.expires_at).toBe(start + 30 * DAY);
  });

  it('slides the expiry to 30 days from now once fewer than 15 days are left', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await createSession(db, user.id, start);
    const now = start + 16 * DAY;
    const result = await validateSessionToken(db, token, now);
    expect(result?.renewed).toBe(true);
    expect(result?.session.expiresAt).toBe(now + 30 * DAY);
    expect((await sessionRows(db))[0]?.expires_at).toBe(now + 30 * DAY);
  });

  it('rejects an expired session and deletes it', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await createSession(db, user.id, start);
    expect(await validateSessionToken(db, token, start + 30 * DAY)).toBeNull();
    expect(await sessionRows(db)).toEqual([]);
    // Even a moment "earlier" it stays gone.
    expect(await validateSessionToken(db, token, start)).toBeNull();
  });

  it('rejects an unknown token, and the stored hash used as a token', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { session } = await createSession(db, user.id, start);
    expect(await validateSessionToken(db, 'a'.repeat(32), start)).toBeNull();
    expect(await validateSessionToken(db, session.id, start)).toBeNull();
    expect(await sessionRows(db)).toHaveLength(1);
  });
});

describe('deleteExpiredSessions', () => {
  it('deletes the expired sessions only and says how many', async () => {
    const { db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const now = Date.UTC(2025, 5, 1);
    await createSession(db, user.id, now - 40 * DAY); // expired 10 days ago
    await createSession(db, user.id, now - 31 * DAY); // expired yesterday
    const { token: live } = await createSession(db, user.id, now - 10 * DAY);
    expect(await deleteExpiredSessions(db, now)).toBe(2);
    expect((await sessionRows(db)).map((r) => r.id)).toEqual([sha256Hex(live)]);
    expect(await deleteExpiredSessions(db, now)).toBe(0);
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and not Secure over plain http', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { res } = await login(app, user.email);
    const line = cookieLine(res, 'session') ?? '';
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\/(;|$)/);
    expect(line).not.toMatch(/;\s*Secure/i);
    expect(cookieExpires(line)).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('is Secure when BASE_URL is https', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { BASE_URL: 'https://x.example' } });
    const user = await makeUser(db);
    const res = await request(app).post('/login').set('Origin', 'https://x.example').type('form').send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(303);
    const line = cookieLine(res, '__Host-session') ?? '';
    expect(line).toMatch(/;\s*Secure/i);
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
  });

  it('is Secure when NODE_ENV is production', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { NODE_ENV: 'production' } });
    const user = await makeUser(db);
    const res = await agent(app).post('/login').type('form').send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(cookieLine(res, '__Host-session')).toMatch(/;\s*Secure/i);
  });

  it('holds a value that the sessions table never contains', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await login(app, user.email);
    const rows = await sessionRows(db, user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(sha256Hex(token));
    const everything = JSON.stringify(await rowObjects(db, sql`SELECT * FROM sessions`));
    expect(everything).not.toContain(token);
  });
});

describe('sliding expiry over HTTP', () => {
  it('extends a session with fewer than 15 days left and sends the cookie again', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await login(app, user.email);
    await db
      .update(sessions)
      .set({ expiresAt: Date.now() + 10 * DAY })
      .where(eq(sessions.userId, user.id));

    const before = Date.now();
    const res = await request(app).get('/profile').set('Cookie', `session=${token}`);
    expect(res.status).toBe(200);
    const expiresAt = (await sessionRows(db, user.id))[0]?.expires_at ?? 0;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    const line = cookieLine(res, 'session') ?? '';
    expect(cookieValue(res, 'session')).toBe(token);
    // Cookie dates have one-second precision.
    expect(Math.abs(cookieExpires(line) - expiresAt)).toBeLessThan(1000);
    expect(line).toMatch(/HttpOnly/i);
  });

  it('leaves a session with more than 15 days left alone and sends no cookie', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await login(app, user.email);
    const expiresAt = Date.now() + 20 * DAY;
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.userId, user.id));
    const res = await request(app).get('/profile').set('Cookie', `session=${token}`);
    expect(res.status).toBe(200);
    expect(cookieLine(res, 'session')).toBeUndefined();
    expect((await sessionRows(db, user.id))[0]?.expires_at).toBe(expiresAt);
  });

  it('rejects an expired session, deletes it and clears the cookie', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await login(app, user.email);
    await db
      .update(sessions)
      .set({ expiresAt: Date.now() - 1000 })
      .where(eq(sessions.userId, user.id));
    const res = await request(app).get('/profile').set('Cookie', `session=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fprofile');
    expect(await sessionRows(db, user.id)).toEqual([]);
    const line = cookieLine(res, 'session') ?? '';
    expect(line).toMatch(/^session=;/);
    expect(cookieExpires(line)).toBeLessThan(Date.now());
  });
});

describe('POST /logout', () => {
  it('ends the session: the old cookie no longer works', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const { token } = await login(app, user.email);
    const res = await agent(app).post('/logout').set('Cookie', `session=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(cookieLine(res, 'session')).toMatch(/^session=;/);
    expect(await sessionRows(db, user.id)).toEqual([]);
    const again = await request(app).get('/profile').set('Cookie', `session=${token}`);
    expect(again.status).toBe(303);
    expect(again.headers.location).toMatch(/^\/login/);
  });

  it('ends only that session, not the same user’s other devices', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const phone = await login(app, user.email);
    const laptop = await login(app, user.email);
    await agent(app).post('/logout').set('Cookie', `session=${phone.token}`).expect(303);
    expect((await sessionRows(db, user.id)).map((r) => r.id)).toEqual([sha256Hex(laptop.token)]);
    await request(app).get('/profile').set('Cookie', `session=${laptop.token}`).expect(200);
  });
});

describe('sign-in', () => {
  it('starts a new session every time, with a different cookie value', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const first = await login(app, user.email);
    const second = await login(app, user.email);
    expect(second.token).not.toBe(first.token);
    expect(await sessionRows(db, user.id)).toHaveLength(2);
  });

  it('never adopts a cookie value the browser already had', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const victim = await makeUser(db);
    const attacker = await makeUser(db);
    // The attacker plants their own valid session, and separately a made-up value.
    const planted = (await login(app, attacker.email)).token;
    for (const preset of [planted, 'abcdefghijklmnopqrstuvwxyz234567']) {
      const res = await agent(app).post('/login').set('Cookie', `session=${preset}`).type('form').send({ email: victim.email, password: PASSWORD });
      expect(res.status).toBe(303);
      const token = cookieValue(res, 'session');
      expect(token).toBeDefined();
      expect(token).not.toBe(preset);
      const victimSessions = (await sessionRows(db, victim.id)).map((r) => r.id);
      expect(victimSessions).toContain(sha256Hex(token as string));
      expect(victimSessions).not.toContain(sha256Hex(preset));
    }
    // The planted session was never the victim's; signing in over it ended it.
    expect(await validateSessionToken(db, planted)).toBeNull();
    expect(await sessionRows(db, attacker.id)).toHaveLength(0);
  });

  it('ends the session the browser held when someone signs in over it (a shared computer)', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const first = await makeUser(db);
    const second = await makeUser(db);
    const browser = await signedIn(app, first.email);
    const other = await login(app, first.email); // the first teacher's other device
    expect((await browser.post('/login').type('form').send({ email: second.email, password: PASSWORD })).status).toBe(303);
    expect((await sessionRows(db, first.id)).map((r) => r.id)).toEqual([sha256Hex(other.token)]);
    expect(await sessionRows(db, second.id)).toHaveLength(1);
    expect((await browser.get('/dashboard')).text).toContain(second.name);
  });
});

describe('POST /profile/password (sessions)', () => {
  it('ends every other session of that user but keeps the current one', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const user = await makeUser(db);
    const other = await makeUser(db);
    const elsewhere = await login(app, user.email);
    const otherUser = await login(app, other.email);
    const current = await signedIn(app, user.email);
    expect(await sessionRows(db, user.id)).toHaveLength(2);

    const res = await current.post('/profile/password').type('form').send({ current: PASSWORD, password: 'a brand new passphrase' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=password');

    expect(await sessionRows(db, user.id)).toHaveLength(1);
    await current.get('/profile').expect(200);
    const stale = await request(app).get('/profile').set('Cookie', `session=${elsewhere.token}`);
    expect(stale.status).toBe(303);
    // Someone else's session is untouched.
    await request(app).get('/profile').set('Cookie', `session=${otherUser.token}`).expect(200);
  });
});
