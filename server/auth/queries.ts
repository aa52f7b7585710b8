import { and, asc, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { oneTimeTokens, sessions, userRoles, users, type Role } from '../db/schema.ts';
import { generateToken, hashToken } from './tokens.ts';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  school?: string;
  region?: string;
  country?: string;
  language?: 'en' | 'ru';
  /** When the address was proven; null for accounts whose owner has not yet shown they read it. */
  emailVerifiedAt?: number | null;
  /** The trainer whose import made the account (see users.createdBy). */
  createdBy?: number | null;
}

export function findUserByEmail(db: Db, email: string) {
  return db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
}

export function findUserById(db: Db, id: number) {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** Creates a user with roles; returns null when the email is taken (the unique index decides). */
export function createUser(db: Db, input: NewUser, roles: Role[] = ['teacher'], now = Date.now()): number | null {
  return db.transaction((tx) => {
    const row = tx
      .insert(users)
      .values({ ...input, email: input.email.toLowerCase(), createdAt: now })
      .onConflictDoNothing()
      .returning({ id: users.id })
      .get();
    if (!row) return null;
    for (const role of new Set(roles)) tx.insert(userRoles).values({ userId: row.id, role }).run();
    return row.id;
  });
}

export function updateProfile(db: Db, userId: number, fields: Partial<Pick<NewUser, 'name' | 'school' | 'region' | 'country' | 'language'>>) {
  db.update(users).set(fields).where(eq(users.id, userId)).run();
}

export function setPasswordHash(db: Db, userId: number, passwordHash: string) {
  db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}

export function rolesOf(db: Db, userId: number): Role[] {
  return db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, userId))
    .all()
    .map((r) => r.role);
}

export function grantRole(db: Db, userId: number, role: Role) {
  db.insert(userRoles).values({ userId, role }).onConflictDoNothing().run();
}

/** Removes a role, refusing to remove the last administrator's admin role. */
export function revokeRole(db: Db, userId: number, role: Role): boolean {
  return db.transaction((tx) => {
    if (role === 'admin') {
      const admins = tx.select({ n: count() }).from(userRoles).where(eq(userRoles.role, 'admin')).get()?.n ?? 0;
      if (admins <= 1) return false;
    }
    tx.delete(userRoles)
      .where(and(eq(userRoles.userId, userId), eq(userRoles.role, role)))
      .run();
    return true;
  });
}

export function countAdmins(db: Db): number {
  return db.select({ n: count() }).from(userRoles).where(eq(userRoles.role, 'admin')).get()?.n ?? 0;
}

export function listUsers(db: Db, opts: { q?: string; page: number; perPage: number }) {
  const where = opts.q ? matchesPerson(opts.q) : undefined;
  const rows = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      school: users.school,
      region: users.region,
      hasPassword: sql<number>`${users.passwordHash} IS NOT NULL`,
      roles: sql<string | null>`(SELECT group_concat(role) FROM user_roles WHERE user_id = ${users.id})`,
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)
    .all();
  const total = db.select({ n: count() }).from(users).where(where).get()?.n ?? 0;
  return { rows: rows.map((r) => ({ ...r, roles: (r.roles ? r.roles.split(',') : []) as Role[] })), total };
}

function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/**
 * Name or email contains the text, whatever its case, in any script: SQLite's own LIKE folds
 * only ASCII, so "анна" would not find "Анна". casefold() is registered on every connection
 * (server/db/client.ts); emails are stored lower-case.
 */
export function matchesPerson(q: string) {
  const pattern = `%${escapeLike(q.toLowerCase())}%`;
  return or(sql`casefold(${users.name}) LIKE ${pattern} ESCAPE '\\'`, sql`${users.email} LIKE ${pattern} ESCAPE '\\'`);
}

const HOUR = 3600 * 1000;
export const SIGNIN_LINK_LIFETIME = 72 * HOUR;

/** A one-time link token; only its hash is stored. Returns the token to put in the URL. */
export function createOneTimeToken(
  db: Db,
  purpose: 'setup' | 'signin',
  opts: { userId?: number; createdBy?: number; expiresAt?: number | null },
  now = Date.now(),
): string {
  const token = generateToken();
  db.insert(oneTimeTokens)
    .values({
      id: hashToken(token),
      purpose,
      userId: opts.userId ?? null,
      createdBy: opts.createdBy ?? null,
      expiresAt: opts.expiresAt ?? null,
      createdAt: now,
    })
    .run();
  return token;
}

export function createSignInLinkToken(db: Db, userId: number, createdBy: number, now = Date.now()): string {
  return createOneTimeToken(db, 'signin', { userId, createdBy, expiresAt: now + SIGNIN_LINK_LIFETIME }, now);
}

/** A token that is unused and unexpired, or undefined. */
export function findUsableToken(db: Db, token: string, purpose: 'setup' | 'signin', now = Date.now()) {
  return db
    .select()
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.id, hashToken(token)),
        eq(oneTimeTokens.purpose, purpose),
        isNull(oneTimeTokens.usedAt),
        or(isNull(oneTimeTokens.expiresAt), gt(oneTimeTokens.expiresAt, now)),
      ),
    )
    .get();
}

/** Marks a token used; false when another request used it first (single use even under races). */
export function consumeToken(db: Db, tokenId: string, now = Date.now()): boolean {
  return (
    db
      .update(oneTimeTokens)
      .set({ usedAt: now })
      .where(and(eq(oneTimeTokens.id, tokenId), isNull(oneTimeTokens.usedAt)))
      .run().changes === 1
  );
}

export function deleteUnusedSetupTokens(db: Db) {
  db.delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.purpose, 'setup'), isNull(oneTimeTokens.usedAt)))
    .run();
}

export function countSessions(db: Db, userId: number): number {
  return db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).get()?.n ?? 0;
}
