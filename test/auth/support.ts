// Small readers for the auth tests: Set-Cookie lines and raw rows, so assertions see exactly
// what a browser and the database see.
import crypto from 'node:crypto';
import type { Db } from '../../server/db/client.ts';

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

export function sessionRows(db: Db, userId?: number): SessionRow[] {
  const sql = userId === undefined ? 'SELECT * FROM sessions' : 'SELECT * FROM sessions WHERE user_id = ?';
  const stmt = db.$client.prepare(sql);
  return (userId === undefined ? stmt.all() : stmt.all(userId)) as SessionRow[];
}

export function rolesOfUser(db: Db, userId: number): string[] {
  return (db.$client.prepare('SELECT role FROM user_roles WHERE user_id = ? ORDER BY role').all(userId) as { role: string }[]).map((r) => r.role);
}

export function userByEmail(db: Db, email: string): { id: number; email: string; name: string; password_hash: string | null } | undefined {
  return db.$client.prepare('SELECT id, email, name, password_hash FROM users WHERE email = ?').get(email) as
    | { id: number; email: string; name: string; password_hash: string | null }
    | undefined;
}

export function countUsers(db: Db): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
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

/** One-time token rows, oldest first (optionally of one account). */
export function tokenRowsOf(db: Db, userId?: number): TokenRow[] {
  const sql = `SELECT * FROM one_time_tokens ${userId === undefined ? '' : 'WHERE user_id = ?'} ORDER BY created_at, rowid`;
  const stmt = db.$client.prepare(sql);
  return (userId === undefined ? stmt.all() : stmt.all(userId)) as TokenRow[];
}

/** When the account's address was verified (null while not), straight from the table. */
export function verifiedAt(db: Db, userId: number): number | null {
  return (db.$client.prepare('SELECT email_verified_at AS at FROM users WHERE id = ?').get(userId) as { at: number | null }).at;
}

/** The token at the end of a one-time link (…/verify/<token>). */
export function tokenOf(link: string): string {
  return new URL(link).pathname.split('/').at(-1) as string;
}

/** Waits long enough for a message that was (wrongly) sent in the background to have arrived. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
