import { and, asc, count, eq, gt, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { enrolments, oneTimeTokens, sessions, userRoles, users, type Role, type TokenPurpose } from '../db/schema.ts';
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
  return or(sql`casefold(${users.name}) LIKE ${pattern} ESCAPE '\\'`, matchesEmail(q));
}

/** Email contains the text (emails are stored lower-case). */
export function matchesEmail(q: string) {
  return sql`${users.email} LIKE ${`%${escapeLike(q.toLowerCase())}%`} ESCAPE '\\'`;
}

const HOUR = 3600 * 1000;
export const SIGNIN_LINK_LIFETIME = 72 * HOUR;
/** A reset link mailed on request: short, because it arrives in a mailbox that may be read by others later. */
export const RESET_LINK_LIFETIME = HOUR;
/** A reset link an administrator hands over through other channels (shown once on a page). */
export const ADMIN_RESET_LINK_LIFETIME = 24 * HOUR;
export const VERIFY_LINK_LIFETIME = 72 * HOUR;

/** A one-time link token; only its hash is stored. Returns the token to put in the URL. */
export function createOneTimeToken(
  db: DbOrTx,
  purpose: TokenPurpose,
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
export function findUsableToken(db: DbOrTx, token: string, purpose: TokenPurpose, now = Date.now()) {
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
export function consumeToken(db: DbOrTx, tokenId: string, now = Date.now()): boolean {
  return (
    db
      .update(oneTimeTokens)
      .set({ usedAt: now })
      .where(and(eq(oneTimeTokens.id, tokenId), isNull(oneTimeTokens.usedAt)))
      .run().changes === 1
  );
}

/**
 * Links of one purpose made for an account since a moment; `mailedOnly` counts those the account
 * asked for itself (created_by null): the per-account limit on reset and verification mails.
 * Revoked links are marked used, not deleted, so they still count.
 */
export function countRecentTokens(db: DbOrTx, userId: number, purpose: TokenPurpose, since: number, opts: { mailedOnly?: boolean } = {}): number {
  return (
    db
      .select({ n: count() })
      .from(oneTimeTokens)
      .where(
        and(
          eq(oneTimeTokens.userId, userId),
          eq(oneTimeTokens.purpose, purpose),
          gt(oneTimeTokens.createdAt, since),
          opts.mailedOnly ? isNull(oneTimeTokens.createdBy) : undefined,
        ),
      )
      .get()?.n ?? 0
  );
}

/** The links that let someone choose this account's password. */
const PASSWORD_LINKS: TokenPurpose[] = ['setup', 'signin', 'reset'];

/**
 * The one way a password is set (sign-in link, reset link, profile change): the new hash, every
 * unused sign-in or reset link of the account revoked, and every session but `keepSessionId`
 * ended, together. Revoked links are marked used rather than deleted: they keep counting against
 * the per-account reset limit, and the record of who made which link stays.
 */
export function setPasswordRevokingAccess(db: DbOrTx, userId: number, passwordHash: string, opts: { keepSessionId?: string; now?: number } = {}): void {
  const now = opts.now ?? Date.now();
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    tx.update(oneTimeTokens)
      .set({ usedAt: now })
      .where(and(eq(oneTimeTokens.userId, userId), inArray(oneTimeTokens.purpose, PASSWORD_LINKS), isNull(oneTimeTokens.usedAt)))
      .run();
    tx.delete(sessions)
      .where(and(eq(sessions.userId, userId), opts.keepSessionId ? ne(sessions.id, opts.keepSessionId) : undefined))
      .run();
  });
}

/** Records that the owner proved the address; false when it was proven already. */
export function markEmailVerified(db: DbOrTx, userId: number, now = Date.now()): boolean {
  return (
    db
      .update(users)
      .set({ emailVerifiedAt: now })
      .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
      .run().changes === 1
  );
}

/** When the account's address was proven: null while unproven, undefined for an unknown account. */
export function emailVerifiedAtOf(db: DbOrTx, userId: number): number | null | undefined {
  return db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId)).get()?.at;
}

/** Courses the person completed (withdrawn or not): the certificates that wait for a verified address. */
export function completedCourseIds(db: DbOrTx, userId: number): number[] {
  return db
    .select({ courseId: enrolments.courseId })
    .from(enrolments)
    .where(and(eq(enrolments.userId, userId), isNotNull(enrolments.completedAt)))
    .all()
    .map((r) => r.courseId);
}

export function deleteUnusedSetupTokens(db: Db) {
  db.delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.purpose, 'setup'), isNull(oneTimeTokens.usedAt)))
    .run();
}

export function countSessions(db: Db, userId: number): number {
  return db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).get()?.n ?? 0;
}

/**
 * Who may hand out a sign-in link for an account: only for a pending account (no password yet)
 * without a staff role, and, for a trainer, only one their own import created. Checked when a link
 * is made and again when it is used, so a role or password gained since voids older links.
 */
export function signInLinkAllowed(by: { id: number; admin: boolean }) {
  return and(
    isNull(users.passwordHash),
    sql`NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = ${users.id} AND r.role IN ('trainer', 'admin'))`,
    by.admin ? undefined : eq(users.createdBy, by.id),
  );
}

/**
 * Whether a sign-in link made by `creatorId` may still sign in to `userId`: the same rule as when
 * it was made, applied to the account and the creator's roles as they are now.
 */
export function signInLinkStillAllowed(db: Db, userId: number, creatorId: number | null): boolean {
  if (creatorId === null) return false;
  const admin = rolesOf(db, creatorId).includes('admin');
  return !!db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), signInLinkAllowed({ id: creatorId, admin })))
    .get();
}
