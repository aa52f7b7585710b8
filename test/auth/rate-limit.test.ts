import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.ts';
import { LOGIN_LIMITS } from '../../server/auth/rate-limit.ts';
import { DatabaseStore } from '../../server/auth/rate-limit-store.ts';
import type { Db } from '../../server/db/client.ts';
import { rateLimits } from '../../server/db/schema.ts';
import { PASSWORD, agent, createTestApp, makeUser, testConfig } from '../helpers.ts';
import { sessionRows } from './support.ts';

// supertest connects from the loopback address; Express reports it as IPv4-mapped IPv6,
// and the limiters key it as plain IPv4.
const LOCAL = '127.0.0.1';
const PARTIAL = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };

async function counters(db: Db): Promise<Record<string, number>> {
  const rows = await db.select().from(rateLimits);
  return Object.fromEntries(rows.map((row) => [row.key, row.hits]));
}

function login(app: Parameters<typeof agent>[0], email: string, password: string, forwardedFor?: string) {
  const a = agent(app).post('/login').type('form');
  if (forwardedFor) a.set('X-Forwarded-For', forwardedFor);
  return a.send({ email, password });
}

async function failTimes(app: Parameters<typeof agent>[0], email: string, times: number, forwardedFor?: string) {
  for (let i = 0; i < times; i++) await login(app, email, `wrong ${i}`, forwardedFor).expect(401);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /login from one school address', () => {
  it('lets 40 teachers sign in twice each, all at once, and counts none of it', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const teachers = await Promise.all(Array.from({ length: 40 }, () => makeUser(db)));
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(teachers.map((t) => login(app, t.email, PASSWORD)));
      expect(answers.map((res) => res.status)).toEqual(teachers.map(() => 303));
    }
    // A success gives its count back after the response has gone (the limiter listens for 'finish'),
    // so the last ones may land a moment after the client has its answer.
    await expect.poll(async () => (await counters(db))[`login-address:${LOCAL}`], { timeout: 5000, interval: 20 }).toBe(0);
  });

  it('lets 45 teachers in after one typo each', async () => {
    const { app, db } = await createTestApp({ courses: false });
    for (let i = 0; i < 45; i++) {
      const teacher = await makeUser(db);
      await login(app, teacher.email, 'typo').expect(401);
      await login(app, teacher.email, PASSWORD).expect(303);
    }
    expect((await counters(db))[`login-address:${LOCAL}`]).toBe(45);
  });

  it(`refuses the address after ${LOGIN_LIMITS.address} failures with the network message, while other addresses go on`, async () => {
    const { app, db } = await createTestApp({ courses: false, env: { TRUST_PROXY: '1' } });
    const teacher = await makeUser(db);
    for (let i = 0; i < LOGIN_LIMITS.address; i++) await login(app, `spray${i}@school.example`, 'guess', '192.0.2.10').expect(401);
    const blocked = await login(app, teacher.email, PASSWORD, '192.0.2.10');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-ins from your network. Try again in 15 minutes.');
    await login(app, teacher.email, PASSWORD, '192.0.2.11').expect(303);
  });
});

describe('POST /login for one account', () => {
  it('answers the 11th failure with the login form, 429 and Retry-After, and keeps the counters in the database', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const teacher = await makeUser(db);
    await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress);
    const blocked = await login(app, teacher.email, 'wrong again');
    expect(blocked.status).toBe(429);
    expect(blocked.type).toBe('text/html');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(blocked.text).toContain('id="login-form"');
    expect(blocked.text).toContain(`value="${teacher.email}"`);
    expect(blocked.text).toContain('Too many failed attempts for this account. Try again in 15 minutes.');
    expect(blocked.text).not.toContain('The email or password is not right.');
    // The refused request's own count is taken back when its response has gone out, which on
    // PostgreSQL may land just after the test reads: wait for it.
    await expect
      .poll(() => counters(db))
      .toMatchObject({
        [`login-account:${teacher.email}`]: 10,
        [`login-account-address:${teacher.email} ${LOCAL}`]: 10,
        [`login-address:${LOCAL}`]: 10,
      });
  });

  it('answers an htmx request with the form fragment, in the reader’s language', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const teacher = await makeUser(db);
    await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress);
    const blocked = await agent(app).post('/login').set(PARTIAL).set('Cookie', 'lang=ru').type('form').send({ email: teacher.email, password: 'x' });
    expect(blocked.status).toBe(429);
    expect(blocked.text.trim()).toMatch(/^<form[^>]+id="login-form"/);
    expect(blocked.text).toContain('Слишком много неудачных попыток входа в эту учётную запись. Повторите через 15 минут.');
  });

  it('refuses even the right password until the window passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, db } = await createTestApp({ courses: false });
    const teacher = await makeUser(db);
    await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress);
    vi.setSystemTime(Date.now() + 10 * 60 * 1000);
    const blocked = await login(app, teacher.email.toUpperCase(), PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Try again in 5 minutes.');
    expect(await sessionRows(db, teacher.id)).toEqual([]);
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000);
    await login(app, teacher.email, PASSWORD).expect(303);
  });

  it('does not let refused attempts use up the school’s address budget', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const teacher = await makeUser(db);
    await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress);
    for (let i = 0; i < 20; i++) await login(app, teacher.email, 'still wrong').expect(429);
    expect((await counters(db))[`login-address:${LOCAL}`]).toBe(LOGIN_LIMITS.accountAddress);
  });

  it(`locks the account after ${LOGIN_LIMITS.account} failures from several addresses, and no one address can do it alone`, async () => {
    const { app, db } = await createTestApp({ courses: false, env: { TRUST_PROXY: '1' } });
    const teacher = await makeUser(db);
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress, address);
      await login(app, teacher.email, 'wrong', address).expect(429);
    }
    const blocked = await login(app, teacher.email, PASSWORD, '198.51.100.7');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed attempts for this account.');
    // Another account is not affected.
    const other = await makeUser(db);
    await login(app, other.email, PASSWORD, '198.51.100.7').expect(303);
  });
});

describe('the client address', () => {
  it('ignores a forged X-Forwarded-For when no proxy is trusted (the default)', async () => {
    const { app, db } = await createTestApp({ courses: false });
    const teacher = await makeUser(db);
    for (let i = 0; i < LOGIN_LIMITS.accountAddress; i++) await login(app, teacher.email, 'wrong', `203.0.113.${i + 1}`).expect(401);
    await login(app, teacher.email, PASSWORD, '198.51.100.99').expect(429);
    const keys = Object.keys(await counters(db));
    expect(keys).toContain(`login-address:${LOCAL}`);
    expect(keys.some((key) => key.includes('203.0.113.'))).toBe(false);
  });

  it('with TRUST_PROXY=1, counts two forwarded addresses apart', async () => {
    const { app, db } = await createTestApp({ courses: false, env: { TRUST_PROXY: '1' } });
    const teacher = await makeUser(db);
    await failTimes(app, teacher.email, LOGIN_LIMITS.accountAddress, '203.0.113.1');
    await login(app, teacher.email, PASSWORD, '203.0.113.1').expect(429);
    await login(app, teacher.email, PASSWORD, '203.0.113.2').expect(303);
    expect(await counters(db)).toMatchObject({ 'login-address:203.0.113.1': 10, 'login-address:203.0.113.2': 0 });
  });
});

describe('rate-limit counters in the database', () => {
  it('are shared by two app instances on one database', async () => {
    const { db } = await createTestApp({ courses: false });
    const [one, two] = [1, 2].map(() => createApp({ db, config: testConfig(), logger: pino({ level: 'silent' }) }));
    const teacher = await makeUser(db);
    for (let i = 0; i < LOGIN_LIMITS.accountAddress; i++) await login(i % 2 ? one! : two!, teacher.email, 'wrong').expect(401);
    await login(one!, teacher.email, PASSWORD).expect(429);
    await login(two!, teacher.email, PASSWORD).expect(429);
  });

  it('are used by the other limiters too (sign-up, certificate look-ups)', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await agent(app).post('/signup').type('form').send({});
    await request(app).get('/certificates/ZZZZZZZZZZ');
    expect(await counters(db)).toMatchObject({ [`signup:${LOCAL}`]: 1, [`certificate-lookups:${LOCAL}`]: 1 });
  });

  it('start a new window once the old one has passed, and expired rows are swept', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { db } = await createTestApp({ courses: false });
    const store = new DatabaseStore(db, 'test:');
    store.init({ windowMs: 60_000 } as Parameters<DatabaseStore['init']>[0]);
    await store.increment('a');
    await store.increment('b');
    expect((await store.increment('a')).totalHits).toBe(2);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.increment('a')).totalHits).toBe(1);
    expect(await counters(db)).toEqual({ 'test:a': 1 });
  });

  it('never decrement below zero', async () => {
    const { db } = await createTestApp({ courses: false });
    const store = new DatabaseStore(db, 'test:');
    await store.increment('a');
    await store.decrement('a');
    await store.decrement('a');
    expect(await counters(db)).toEqual({ 'test:a': 0 });
    await store.resetKey('a');
    expect(await counters(db)).toEqual({});
  });
});
