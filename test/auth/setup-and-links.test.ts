import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareSetupLink } from '../../server/auth/link-routes.ts';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { createUser } from '../../server/auth/queries.ts';
import { createSession } from '../../server/auth/sessions.ts';
import { closeDatabase, type Db, openDatabase, rowObjects } from '../../server/db/client.ts';
import { oneTimeTokens } from '../../server/db/schema.ts';
import { ROOT, agent, createTestApp, makeUser, signedIn, userAgent } from '../helpers.ts';
import { databaseUrl, onPostgres, testDatabase } from '../support/database.ts';
import { DAY, cookieValue, countUsers, pathOf, rolesOfUser, sessionRows, sha256Hex, signupForm, tokenRowsOf, userByEmail } from './support.ts';

const tokenRows = (db: Db) => tokenRowsOf(db);

/** A trigger that takes the address late@ministry.example as soon as a one-time link is spent (in the same transaction). */
async function takeEmailWhenLinkIsSpent(db: Db): Promise<void> {
  const insert = "INSERT INTO users (email, name, created_at) VALUES ('late@ministry.example', 'Someone Else', 0)";
  if (onPostgres) {
    await rowObjects(db, sql.raw(`CREATE FUNCTION take_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${insert}; RETURN NEW; END $$`));
    await rowObjects(db, sql.raw('CREATE TRIGGER take_email AFTER UPDATE OF used_at ON one_time_tokens FOR EACH ROW EXECUTE FUNCTION take_email()'));
  } else {
    await rowObjects(db, sql.raw(`CREATE TRIGGER take_email AFTER UPDATE OF used_at ON one_time_tokens BEGIN ${insert}; END`));
  }
}

async function dropTakeEmail(db: Db): Promise<void> {
  await rowObjects(db, sql.raw(onPostgres ? 'DROP TRIGGER take_email ON one_time_tokens' : 'DROP TRIGGER take_email'));
}

describe('prepareSetupLink', () => {
  it('returns a one-time URL while no administrator exists, storing only its hash', async () => {
    const { db, config } = await createTestApp({ courses: false });
    const url = await prepareSetupLink(db, config.baseUrl);
    expect(url).toMatch(/^http:\/\/localhost:3000\/setup\/[a-z2-7]{32,}$/);
    const token = pathOf(url as string)
      .split('/')
      .at(-1) as string;
    const rows = await tokenRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sha256Hex(token), purpose: 'setup', expires_at: null, used_at: null });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('returns null once an administrator exists', async () => {
    const { db, config } = await createTestApp({ courses: false });
    await makeUser(db, { roles: ['admin'] });
    expect(await prepareSetupLink(db, config.baseUrl)).toBeNull();
    expect(await tokenRows(db)).toEqual([]);
  });

  it('replaces an older unused link with the new one', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const first = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const second = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    await request(app).get(first).expect(404);
    await request(app).get(second).expect(200);
  });
});

describe('GET /setup/:token', () => {
  it('shows the form for the first administrator', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const res = await request(app).get(link);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Create the first administrator');
    expect(res.text).toContain(`action="${link}"`);
    expect(res.text).toContain('name="password"');
  });

  it('answers 404 for a made-up token', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    await prepareSetupLink(db, config.baseUrl);
    const res = await request(app).get('/setup/abcdefghijklmnopqrstuvwxyz234567');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This set-up link is not valid');
    await agent(app).post('/setup/abcdefghijklmnopqrstuvwxyz234567').type('form').send(signupForm()).expect(404);
    expect(await countUsers(db)).toBe(0);
  });
});

describe('POST /setup/:token', () => {
  it('creates the administrator with every role and signs them in', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const a = agent(app);
    const res = await a
      .post(link)
      .type('form')
      .send(signupForm({ email: 'Admin@Ministry.example', name: 'Ada Admin' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    const admin = await userByEmail(db, 'admin@ministry.example');
    expect(admin?.name).toBe('Ada Admin');
    expect(admin?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await rolesOfUser(db, admin?.id ?? 0)).toEqual(['admin', 'teacher', 'trainer']);
    expect((await sessionRows(db, admin?.id)).map((r) => r.id)).toEqual([sha256Hex(cookieValue(res, 'session') ?? '')]);
    const users = await a.get('/admin/users');
    expect(users.status).toBe(200);
    expect(users.text).toContain('Ada Admin');
  });

  it('works once: a second POST or GET answers 404', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    await agent(app).post(link).type('form').send(signupForm()).expect(303);
    const again = await agent(app).post(link).type('form').send(signupForm());
    expect(again.status).toBe(404);
    await request(app).get(link).expect(404);
    expect(await countUsers(db)).toBe(1);
    expect(await prepareSetupLink(db, config.baseUrl)).toBeNull();
  });

  it('keeps the link usable when the email is taken while the password is being hashed', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    // Someone else takes the email at the last moment: a trigger does it as the link is spent.
    await takeEmailWhenLinkIsSpent(db);
    const res = await agent(app)
      .post(link)
      .type('form')
      .send(signupForm({ email: 'late@ministry.example' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('An account with this email already exists.');
    expect((await tokenRows(db))[0]?.used_at).toBeNull();
    await dropTakeEmail(db);
    await agent(app)
      .post(link)
      .type('form')
      .send(signupForm({ email: 'admin@ministry.example' }))
      .expect(303);
    expect(await rolesOfUser(db, (await userByEmail(db, 'admin@ministry.example'))?.id ?? 0)).toContain('admin');
  });

  it('answers 422 for bad input and keeps the link usable', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const res = await agent(app)
      .post(link)
      .type('form')
      .send(signupForm({ email: 'nope', password: 'password123' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an email address like name@school.org.');
    expect(res.text).toContain('This password is one of the most common ones.');
    expect(res.text).not.toContain('password123');
    expect(await countUsers(db)).toBe(0);
    await agent(app).post(link).type('form').send(signupForm()).expect(303);
  });

  it('answers an htmx request with errors with just the set-up form', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const res = await agent(app)
      .post(link)
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .type('form')
      .send(signupForm({ email: 'nope' }));
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('<h1>');
    expect(res.text.trim()).toMatch(new RegExp(`^<form method="post" action="${link}"[^>]+id="signup-form"`));
    expect(res.text).toContain('Create administrator');
    expect(res.text).toContain('Enter an email address like name@school.org.');
  });

  it('refuses an email that already has an account and keeps the link usable', async () => {
    const { app, db, config } = await createTestApp({ courses: false });
    await makeUser(db, { email: 'taken@school.example' });
    const link = pathOf((await prepareSetupLink(db, config.baseUrl)) as string);
    const res = await agent(app)
      .post(link)
      .type('form')
      .send(signupForm({ email: 'Taken@School.example' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('An account with this email already exists.');
    await request(app).get(link).expect(200);
    await agent(app).post(link).type('form').send(signupForm()).expect(303);
  });
});

// vitest puts Vite's BASE_URL ("/") into process.env; the command must see only our settings.
const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_PATH',
  'DATABASE_URL',
  'BASE_URL',
  'LOG_LEVEL',
  'ISSUER_NAME',
  'COURSES_PATH',
  'SMTP_URL',
  'MAIL_FROM',
];
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
}

describe('create-user command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'create-user-'));
  const databases: string[] = [];
  let server: Db | undefined;
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const name of databases) await rowObjects(server!, sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  /**
   * Where the command is told to write: a SQLite file that does not exist yet, or on PostgreSQL an
   * empty database of its own (created here, dropped after the file; the command migrates it).
   */
  async function target(name: string): Promise<{ env: Record<string, string>; location: string }> {
    if (!onPostgres) {
      const file = path.join(dir, `${name}.sqlite`);
      return { env: { DATABASE_PATH: file }, location: file };
    }
    // Any test database is a connection to the server that may create others.
    server ??= await testDatabase();
    const database = `create_user_${name.replace(/\W/g, '_')}_${process.pid}`;
    await rowObjects(server, sql.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await rowObjects(server, sql.raw(`CREATE DATABASE ${database}`));
    databases.push(database);
    return { env: { DATABASE_URL: databaseUrl(database) }, location: databaseUrl(database) };
  }

  /** Whether the command left the target as it was: no file, or a database without tables. */
  async function untouched(location: string): Promise<boolean> {
    if (!onPostgres) return !fs.existsSync(location);
    const db = await openDatabase(location);
    try {
      const [row] = await rowObjects<{ n: number }>(db, sql`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      return Number(row?.n) === 0;
    } finally {
      await closeDatabase(db);
    }
  }

  function run(args: string[], env: Record<string, string>, input: string) {
    return spawnSync('npx', ['tsx', 'server/cli/create-user.ts', ...args], {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      env: { ...inheritedEnv(), ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
  }

  it('creates an administrator with the password piped on stdin', { timeout: 60_000 }, async () => {
    const { env, location } = await target('admin');
    const result = run(['--email', 'a@b.org', '--name', 'A', '--role', 'admin', '--password-stdin'], env, 'a long cli passphrase\n');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('a@b.org');
    const db = await openDatabase(location);
    try {
      const user = await userByEmail(db, 'a@b.org');
      expect(user?.name).toBe('A');
      expect(await rolesOfUser(db, user?.id ?? 0)).toEqual(['admin', 'teacher']);
      expect(user?.password_hash).toMatch(/^\$argon2id\$/);
      // The trailing newline from the pipe is not part of the password.
      expect(await verifyPassword(user?.password_hash ?? '', 'a long cli passphrase')).toBe(true);
    } finally {
      await closeDatabase(db);
    }
  });

  it('exits non-zero with a clear message for an unknown role, creating nothing', { timeout: 60_000 }, async () => {
    const { env, location } = await target('bad-role');
    const result = run(['--email', 'a@b.org', '--name', 'A', '--role', 'superuser', '--password-stdin'], env, 'a long cli passphrase\n');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--role: unknown role "superuser" (expected one of teacher, trainer, admin)');
    expect(await untouched(location)).toBe(true);
  });

  it('exits non-zero for a common password', { timeout: 60_000 }, async () => {
    const { env } = await target('weak');
    const result = run(['--email', 'c@d.org', '--name', 'C', '--password-stdin'], env, 'password123\n');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('password is one of the most common passwords');
  });
});

/** An admin agent and a learner who has no password yet (as made by a trainer's enrolment). */
async function adminAndLearner() {
  const ctx = await createTestApp({ courses: false });
  const { user: admin, agent: adminAgent } = await userAgent(ctx, { roles: ['admin'], name: 'Ada Admin' });
  const learnerId = (await createUser(ctx.db, { email: 'learner@school.example', name: 'Lena Learner', passwordHash: null })) as number;
  return { ...ctx, admin, adminAgent, learnerId };
}

async function makeLink(adminAgent: ReturnType<typeof agent>, learnerId: number): Promise<string> {
  const res = await adminAgent.post(`/admin/users/${learnerId}/signin-link`);
  expect(res.status).toBe(200);
  const url = /value="(http:\/\/localhost:3000\/signin\/[a-z2-7]+)"/.exec(res.text)?.[1];
  if (!url) throw new Error('no sign-in link on the page');
  return url;
}

describe('POST /admin/users/:id/signin-link', () => {
  it('shows a one-time link and stores only its hash, valid for 72 hours', async () => {
    const { db, admin, adminAgent, learnerId } = await adminAndLearner();
    const users = await adminAgent.get('/admin/users');
    expect(users.text).toContain(`action="/admin/users/${learnerId}/signin-link"`);
    const res = await adminAgent.post(`/admin/users/${learnerId}/signin-link`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Lena Learner');
    expect(res.text).toContain('learner@school.example');
    const url = /value="(http:\/\/localhost:3000\/signin\/[a-z2-7]{32,})"/.exec(res.text)?.[1] as string;
    expect(url).toBeDefined();
    const token = pathOf(url).split('/').at(-1) as string;
    const rows = await tokenRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sha256Hex(token), purpose: 'signin', user_id: learnerId, created_by: admin.id, used_at: null });
    expect(rows[0]?.expires_at).toBeGreaterThan(Date.now() + 71 * 3600 * 1000);
    expect(rows[0]?.expires_at).toBeLessThanOrEqual(Date.now() + 72 * 3600 * 1000);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('answers 404 for an unknown user', async () => {
    const { adminAgent } = await adminAndLearner();
    await adminAgent.post('/admin/users/999999/signin-link').expect(404);
  });

  it('is refused to a teacher and a trainer', async () => {
    const ctx = await adminAndLearner();
    for (const roles of [[], ['trainer']] as const) {
      const { agent: a } = await userAgent(ctx, { roles: [...roles] });
      await a.post(`/admin/users/${ctx.learnerId}/signin-link`).expect(403);
    }
    expect(await tokenRows(ctx.db)).toEqual([]);
  });
});

describe('GET and POST /signin/:token', () => {
  it('shows the set-password form', async () => {
    const { app, adminAgent, learnerId } = await adminAndLearner();
    const link = pathOf(await makeLink(adminAgent, learnerId));
    const res = await request(app).get(link);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Set your password');
    expect(res.text).toContain('Lena Learner');
    expect(res.text).toContain(`action="${link}"`);
  });

  it('sets the password and signs the person in', async () => {
    const { app, db, adminAgent, learnerId } = await adminAndLearner();
    const link = pathOf(await makeLink(adminAgent, learnerId));
    const res = await agent(app).post(link).type('form').send({ password: 'my own passphrase 7' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    expect((await sessionRows(db, learnerId)).map((r) => r.id)).toEqual([sha256Hex(cookieValue(res, 'session') ?? '')]);
    expect((await userByEmail(db, 'learner@school.example'))?.password_hash).toMatch(/^\$argon2id\$/);
    await signedIn(app, 'learner@school.example', 'my own passphrase 7');
  });

  it('ends the sessions the person had before, as any password change does', async () => {
    const ctx = await adminAndLearner();
    // A session from before (the account's password was cleared since, say): it must not survive.
    const { token: oldToken } = await createSession(ctx.db, ctx.learnerId);
    const link = pathOf(await makeLink(ctx.adminAgent, ctx.learnerId));
    const res = await agent(ctx.app).post(link).type('form').send({ password: 'my own passphrase 7' });
    expect(res.status).toBe(303);
    expect((await sessionRows(ctx.db, ctx.learnerId)).map((r) => r.id)).toEqual([sha256Hex(cookieValue(res, 'session') ?? '')]);
    await request(ctx.app).get('/profile').set('Cookie', `session=${oldToken}`).expect(303);
  });

  it('works once: a second GET or POST answers 404', async () => {
    const { app, db, adminAgent, learnerId } = await adminAndLearner();
    const link = pathOf(await makeLink(adminAgent, learnerId));
    await agent(app).post(link).type('form').send({ password: 'my own passphrase 7' }).expect(303);
    const get = await request(app).get(link);
    expect(get.status).toBe(404);
    expect(get.text).toContain('This sign-in link is not valid');
    const before = (await userByEmail(db, 'learner@school.example'))?.password_hash;
    await agent(app).post(link).type('form').send({ password: 'attacker passphrase 8' }).expect(404);
    expect((await userByEmail(db, 'learner@school.example'))?.password_hash).toBe(before);
  });

  it('answers 404 once the link has expired', async () => {
    const { app, db, adminAgent, learnerId } = await adminAndLearner();
    const link = pathOf(await makeLink(adminAgent, learnerId));
    await db.update(oneTimeTokens).set({ expiresAt: Date.now() - DAY });
    await request(app).get(link).expect(404);
    await agent(app).post(link).type('form').send({ password: 'my own passphrase 7' }).expect(404);
    expect((await userByEmail(db, 'learner@school.example'))?.password_hash).toBeNull();
  });

  it('answers 404 for a made-up token', async () => {
    const { app } = await adminAndLearner();
    await request(app).get('/signin/abcdefghijklmnopqrstuvwxyz234567').expect(404);
  });

  it('refuses a weak password with 422 and keeps the link usable', async () => {
    const { app, db, adminAgent, learnerId } = await adminAndLearner();
    const link = pathOf(await makeLink(adminAgent, learnerId));
    const res = await agent(app).post(link).type('form').send({ password: 'password123' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('This password is one of the most common ones.');
    expect(await sessionRows(db, learnerId)).toEqual([]);
    await agent(app).post(link).type('form').send({ password: 'my own passphrase 7' }).expect(303);
  });
});
