import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { Response } from 'superagent';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../server/app.ts';
import type { TransportFactory } from '../server/mail/transport.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { createUser } from '../server/auth/queries.ts';
import { loadConfig, type Config } from '../server/config.ts';
import type { Db } from '../server/db/client.ts';
import type { Role } from '../server/db/schema.ts';
import { loadCourses } from '../server/courses/loader.ts';
import { testDatabase } from './support/database.ts';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ORIGIN = 'http://localhost:3000';
export const PASSWORD = 'correct horse battery staple';

/** Each test app keeps its uploads in a folder of its own under the system's temporary folder. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BASE_URL: ORIGIN,
    DATABASE_PATH: ':memory:',
    COURSES_PATH: path.join(ROOT, 'courses'),
    UPLOADS_PATH: env.UPLOADS_PATH ?? fs.mkdtempSync(path.join(os.tmpdir(), 'uploads-')),
    ...env,
  });
}

export interface TestContext {
  db: Db;
  app: Express;
  config: Config;
}

/** A fresh migrated database (test/support/database.ts) with the sample courses loaded (unless courses: false). */
export async function createTestApp(
  options: { courses?: boolean | string; env?: Record<string, string>; mailTransport?: TransportFactory; logger?: Logger } = {},
): Promise<TestContext> {
  const config = testConfig(options.env);
  const db = await testDatabase();
  if (options.courses !== false) await loadCourses(db, typeof options.courses === 'string' ? options.courses : config.coursesPath);
  const app = createApp({ db, config, logger: options.logger ?? pino({ level: 'silent' }), mailTransport: options.mailTransport });
  return { db, app, config };
}

let passwordHash: Promise<string> | undefined;
let counter = 0;

/** Inserts a user directly (one argon2 hash shared by all test users keeps files fast). */
export async function makeUser(
  db: Db,
  fields: { email?: string; name?: string; roles?: Role[]; school?: string; region?: string; country?: string; language?: 'en' | 'ru' } = {},
): Promise<{ id: number; email: string; name: string }> {
  passwordHash ??= hashPassword(PASSWORD);
  counter++;
  const email = fields.email ?? `user${counter}-${Date.now()}@example.org`;
  const name = fields.name ?? `Test User ${counter}`;
  const id = await createUser(
    db,
    {
      email,
      name,
      passwordHash: await passwordHash,
      school: fields.school ?? '',
      region: fields.region ?? '',
      country: fields.country ?? '',
      language: fields.language ?? 'en',
      emailVerifiedAt: Date.now(),
    },
    ['teacher', ...(fields.roles ?? [])],
  );
  if (id === null) throw new Error(`user ${email} exists`);
  return { id, email, name };
}

/** A supertest agent that keeps cookies and sends the same-origin header every write needs. */
export function agent(app: Express) {
  return request.agent(app).set('Origin', ORIGIN);
}

/** Signs a user in through the real /login form and returns the agent holding the session. */
export async function signedIn(app: Express, email: string, password = PASSWORD) {
  const a = agent(app);
  const res = await a.post('/login').type('form').send({ email, password });
  if (res.status !== 303) throw new Error(`login failed for ${email}: ${res.status}`);
  return a;
}

/** Creates a user with the given roles and returns them with a signed-in agent. */
export async function userAgent(ctx: TestContext, fields: Parameters<typeof makeUser>[1] = {}) {
  const user = await makeUser(ctx.db, fields);
  return { user, agent: await signedIn(ctx.app, user.email) };
}

/** A supertest parser that keeps the body as bytes (PDF, XLSX): `.buffer(true).parse(binaryBody)`. */
export function binaryBody(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
