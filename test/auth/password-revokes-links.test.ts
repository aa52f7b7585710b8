// Point 3: a password set or changed by any path revokes the account's other links and sessions.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createOneTimeToken, createSignInLinkToken, createUser, setPasswordRevokingAccess } from '../../server/auth/queries.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { PASSWORD, agent, createTestApp, makeUser, signedIn, userAgent } from '../helpers.ts';
import { sessionRows, tokenRowsOf, userByEmail } from './support.ts';

const HOUR = 3600 * 1000;
const NEW_PASSWORD = 'northern lights over tiksi';

/** An account with one of every kind of link: two password links and a verification link. */
async function linksFor(db: Awaited<ReturnType<typeof createTestApp>>['db'], userId: number, adminId: number) {
  const now = Date.now();
  return {
    signin: await createSignInLinkToken(db, userId, adminId),
    reset: await createOneTimeToken(db, 'reset', { userId, expiresAt: now + HOUR }),
    verify: await createOneTimeToken(db, 'verify', { userId, expiresAt: now + 72 * HOUR }),
  };
}

describe('POST /profile/password', () => {
  it('revokes every unused sign-in and reset link of the account and ends its other sessions', async () => {
    const ctx = await createTestApp({ courses: false });
    const admin = await makeUser(ctx.db, { roles: ['admin'] });
    const { user, agent: here } = await userAgent(ctx);
    const elsewhere = await signedIn(ctx.app, user.email);
    const links = await linksFor(ctx.db, user.id, admin.id);
    await request(ctx.app).get(`/password-reset/${links.reset}`).expect(200);

    const res = await here.post('/profile/password').type('form').send({ current: PASSWORD, password: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?saved=password');

    const byPurpose = Object.fromEntries((await tokenRowsOf(ctx.db, user.id)).map((t) => [t.purpose, t]));
    expect(byPurpose.signin?.used_at).toEqual(expect.any(Number));
    expect(byPurpose.reset?.used_at).toEqual(expect.any(Number));
    // Proving the address has nothing to do with the password: that link stays.
    expect(byPurpose.verify?.used_at).toBeNull();
    await request(ctx.app).get(`/password-reset/${links.reset}`).expect(404);
    await agent(ctx.app).post(`/password-reset/${links.reset}`).type('form').send({ password: 'attacker passphrase 8' }).expect(404);
    await request(ctx.app).get(`/signin/${links.signin}`).expect(404);

    await here.get('/profile').expect(200);
    await elsewhere.get('/profile').expect(303);
    expect(await sessionRows(ctx.db, user.id)).toHaveLength(1);
  });

  it('revokes nothing when the current password is wrong', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: here } = await userAgent(ctx);
    const reset = await createOneTimeToken(ctx.db, 'reset', { userId: user.id, expiresAt: Date.now() + HOUR });
    const before = (await userByEmail(ctx.db, user.email))?.password_hash;
    await here.post('/profile/password').type('form').send({ current: 'not it', password: NEW_PASSWORD }).expect(422);
    expect((await userByEmail(ctx.db, user.email))?.password_hash).toBe(before);
    expect((await tokenRowsOf(ctx.db, user.id))[0]?.used_at).toBeNull();
    await request(ctx.app).get(`/password-reset/${reset}`).expect(200);
  });
});

describe('POST /signin/:token', () => {
  it('revokes the other sign-in and reset links of the account', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const learnerId = (await createUser(ctx.db, { email: 'lena@school.example', name: 'Lena', passwordHash: null })) as number;
    const links: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await adminAgent.post(`/admin/users/${learnerId}/signin-link`);
      links.push(/value="http:\/\/localhost:3000(\/signin\/[a-z2-7]+)"/.exec(res.text)?.[1] as string);
    }
    const reset = await createOneTimeToken(ctx.db, 'reset', { userId: learnerId, expiresAt: Date.now() + HOUR });

    await agent(ctx.app).post(links[0]!).type('form').send({ password: NEW_PASSWORD }).expect(303);
    const hash = (await userByEmail(ctx.db, 'lena@school.example'))?.password_hash;
    await request(ctx.app).get(links[1]!).expect(404);
    await agent(ctx.app).post(links[1]!).type('form').send({ password: 'attacker passphrase 8' }).expect(404);
    await agent(ctx.app).post(`/password-reset/${reset}`).type('form').send({ password: 'attacker passphrase 8' }).expect(404);
    expect((await userByEmail(ctx.db, 'lena@school.example'))?.password_hash).toBe(hash);
    expect((await tokenRowsOf(ctx.db, learnerId)).every((t) => t.used_at !== null)).toBe(true);
  });
});

describe('setPasswordRevokingAccess', () => {
  it('touches only the given account', async () => {
    const ctx = await createTestApp({ courses: false });
    const admin = await makeUser(ctx.db, { roles: ['admin'] });
    const mine = await makeUser(ctx.db);
    const theirs = await makeUser(ctx.db);
    await linksFor(ctx.db, mine.id, admin.id);
    await linksFor(ctx.db, theirs.id, admin.id);
    await createSession(ctx.db, mine.id);
    const { session: kept } = await createSession(ctx.db, mine.id);
    await createSession(ctx.db, theirs.id);
    await setPasswordRevokingAccess(ctx.db, mine.id, 'not-a-real-hash', { keepSessionId: kept.id });
    expect((await sessionRows(ctx.db, mine.id)).map((s) => s.id)).toEqual([kept.id]);
    expect(await sessionRows(ctx.db, theirs.id)).toHaveLength(1);
    expect((await tokenRowsOf(ctx.db, theirs.id)).every((t) => t.used_at === null)).toBe(true);
    expect((await userByEmail(ctx.db, theirs.email))?.password_hash).toMatch(/^\$argon2id\$/);
  });
});
