// Small readers for the auth tests: Set-Cookie lines and raw rows, so assertions see exactly
// what a browser and the database see.
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, rowObjects } from '../../server/db/client.ts';

export const DAY = 24 * 60 * 60 * 1000;

interface HasHeaders {
  headers: Record<string, string>;
}

/** Every Set-Cookie line of a response (supertest types them as a string; they are an array). */
export function setCookies(res: HasHeaders): string[] {
  const raw = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  if (!raw) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** The last Set-Cookie line for one cookie name (the one a browser keeps), or undefined. */
export function cookieLine(res: HasHeaders, name: string): string | undefined {
  return setCookies(res)
    .filter((line) => line.startsWith(`${name}=`))
    .at(-1);
}

/** The value a response sets for one cookie, or undefined. */
export function cookieValue(res: HasHeaders, name: string): string | undefined {
  const line = cookieLine(res, name);
  return line === undefined ? undefined : decodeURIComponent(line.slice(name.length + 1).split(';')[0] ?? '');
}

/** The Expires attribute of a Set-Cookie line, in milliseconds. */
export function cookieExpires(line: string): number {
  const match = /;\s*Expires=([^;]+)/i.exec(line);
  if (!match?.[1]) throw new Error(`no Expires in ${line}`);
  return Date.parse(match[1]);
}

export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export interface SessionRow {
  id: string;
  user_id: number;
  expires_at: number;
  created_at: number;
}

/** Session rows (optionally of one account), by expiry then id: the same order on both engines. */
export function sessionRows(db: Db, userId?: number): Promise<SessionRow[]> {
  const where = userId === undefined ? sql`` : sql`WHERE user_id = ${userId}`;
  return rowObjects<SessionRow>(db, sql`SELECT id, user_id, expires_at, created_at FROM sessions ${where} ORDER BY expires_at, id`);
}

export async function rolesOfUser(db: Db, userId: number): Promise<string[]> {
  const rows = await rowObjects<{ role: string }>(db, sql`SELECT role FROM user_roles WHERE user_id = ${userId} ORDER BY role`);
  return rows.map((r) => r.role);
}

export async function userByEmail(db: Db, email: string): Promise<{ id: number; email: string; name: string; password_hash: string | null } | undefined> {
  const [row] = await rowObjects<{ id: number; email: string; name: string; password_hash: string | null }>(
    db,
    sql`SELECT id, email, name, password_hash FROM users WHERE email = ${email}`,
  );
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await rowObjects<{ n: number }>(db, sql`SELECT count(*) AS n FROM users`);
  return Number(row?.n);
}

/** The path of an absolute URL (links are printed with BASE_URL; supertest wants the path). */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** A valid form for POST /signup; override single fields to test them. */
export function signupForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Anna Petrova',
    email: `anna-${crypto.randomUUID()}@school.example`,
    password: 'tundra lichen reindeer 42',
    school: 'School No. 1',
    region: 'Murmansk Oblast',
    country: 'Russia',
    language: 'en',
    ...fields,
  };
}

export interface TokenRow {
  id: string;
  purpose: string;
  user_id: number | null;
  created_by: number | null;
  expires_at: number | null;
  used_at: number | null;
  created_at: number;
}

/**
 * One-time token rows, oldest first (optionally of one account). The table has no column that
 * records insertion order on both engines (SQLite's rowid has no PostgreSQL counterpart, and the
 * id is a hash), so rows made in the same millisecond come in id order: a test that needs the
 * order of two tokens must give them different created_at times.
 */
export function tokenRowsOf(db: Db, userId?: number): Promise<TokenRow[]> {
  const where = userId === undefined ? sql`` : sql`WHERE user_id = ${userId}`;
  return rowObjects<TokenRow>(
    db,
    sql`SELECT id, purpose, user_id, created_by, expires_at, used_at, created_at FROM one_time_tokens ${where} ORDER BY created_at, id`,
  );
}

/** When the account's address was verified (null while not), straight from the table. */
export async function verifiedAt(db: Db, userId: number): Promise<number | null> {
  const [row] = await rowObjects<{ at: number | null }>(db, sql`SELECT email_verified_at AS at FROM users WHERE id = ${userId}`);
  if (!row) throw new Error(`no user ${userId}`);
  return row.at;
}

/** The token at the end of a one-time link (…/verify/<token>). */
export function tokenOf(link: string): string {
  return new URL(link).pathname.split('/').at(-1) as string;
}

/** Waits long enough for a message that was (wrongly) sent in the background to have arrived. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
