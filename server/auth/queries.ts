import { and, asc, count, eq, gt, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { foldCase } from '../db/dialect.ts';
import { enrolments, oneTimeTokens, sessions, userRoles, users, type Role, type TokenPurpose } from '../db/schema.ts';
import { generateToken, hashToken } from './tokens.ts';
import { person, recountPlaces } from '../evidence/place-counts.ts';

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

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return row;
}

export async function findUserById(db: DbOrTx, id: number) {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/** Creates a user with roles; returns null when the email is taken (the unique index decides). */
export async function createUser(db: DbOrTx, input: NewUser, roles: Role[] = ['teacher'], now = Date.now()): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ ...input, email: input.email.toLowerCase(), createdAt: now })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!row) return null;
    const unique = [...new Set(roles)];
    if (unique.length > 0) {
      await recountPlaces(tx, person(row.id), () => tx.insert(userRoles).values(unique.map((role) => ({ userId: row.id, role }))));
    }
    return row.id;
  });
}

export async function updateProfile(
  db: DbOrTx,
  userId: number,
  fields: Partial<Pick<NewUser, 'name' | 'school' | 'region' | 'country' | 'language'>>,
): Promise<void> {
  await db.transaction((tx) => recountPlaces(tx, person(userId), () => tx.update(users).set(fields).where(eq(users.id, userId))));
}

export async function rolesOf(db: DbOrTx, userId: number): Promise<Role[]> {
  const rows = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((r) => r.role);
}

export async function grantRole(db: DbOrTx, userId: number, role: Role): Promise<void> {
  await db.transaction((tx) => recountPlaces(tx, person(userId), () => tx.insert(userRoles).values({ userId, role }).onConflictDoNothing()));
}

/** Removes a role, refusing to remove the last administrator's admin role. */
export async function revokeRole(db: DbOrTx, userId: number, role: Role): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (role === 'admin') {
      const [admins] = await tx.select({ n: count() }).from(userRoles).where(eq(userRoles.role, 'admin'));
      if ((admins?.n ?? 0) <= 1) return false;
    }
    await recountPlaces(tx, person(userId), () => tx.delete(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.role, role))));
    return true;
  });
}

export async function countAdmins(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(userRoles).where(eq(userRoles.role, 'admin'));
  return row?.n ?? 0;
}

/** The roles of the user in the current row, joined by commas (NULL for none): split with splitRoles. */
/** The roles from rolesOfRow (admin-queries.ts), in a fixed order (the joined list comes in any order). */
export function splitRoles(joined: string | null): Role[] {
  return (joined ? joined.split(',') : []).sort() as Role[];
}

function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/**
 * Name or email contains the text, whatever its case, in any script: SQLite's own LIKE folds
 * only ASCII (so "анна" would not find "Анна") and PostgreSQL's LIKE folds nothing, so the name
 * is folded with foldCase (server/db/dialect.ts); emails are stored lower-case.
 */
export function matchesPerson(q: string) {
  const pattern = `%${escapeLike(q.toLowerCase())}%`;
  return or(sql`${foldCase(users.name)} LIKE ${pattern} ESCAPE '\\'`, matchesEmail(q));
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
export async function createOneTimeToken(
  db: DbOrTx,
  purpose: TokenPurpose,
  opts: { userId?: number; createdBy?: number; expiresAt?: number | null },
  now = Date.now(),
): Promise<string> {
  const token = generateToken();
  await db.insert(oneTimeTokens).values({
    id: hashToken(token),
    purpose,
    userId: opts.userId ?? null,
    createdBy: opts.createdBy ?? null,
    expiresAt: opts.expiresAt ?? null,
    createdAt: now,
  });
  return token;
}

export function createSignInLinkToken(db: DbOrTx, userId: number, createdBy: number, now = Date.now()): Promise<string> {
  return createOneTimeToken(db, 'signin', { userId, createdBy, expiresAt: now + SIGNIN_LINK_LIFETIME }, now);
}

/** A token that is unused and unexpired, or undefined. */
export async function findUsableToken(db: DbOrTx, token: string, purpose: TokenPurpose, now = Date.now()) {
  const [row] = await db
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
    .limit(1);
  return row;
}

/** Marks a token used; false when another request used it first (single use even under races). */
export async function consumeToken(db: DbOrTx, tokenId: string, now = Date.now()): Promise<boolean> {
  const spent = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.id, tokenId), isNull(oneTimeTokens.usedAt)))
    .returning({ id: oneTimeTokens.id });
  return spent.length === 1;
}

/**
 * Links of one purpose made for an account since a moment; `mailedOnly` counts those the account
 * asked for itself (created_by null): the per-account limit on reset and verification mails.
 * Revoked links are marked used, not deleted, so they still count.
 */
export async function countRecentTokens(
  db: DbOrTx,
  userId: number,
  purpose: TokenPurpose,
  since: number,
  opts: { mailedOnly?: boolean } = {},
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.userId, userId),
        eq(oneTimeTokens.purpose, purpose),
        gt(oneTimeTokens.createdAt, since),
        opts.mailedOnly ? isNull(oneTimeTokens.createdBy) : undefined,
      ),
    );
  return row?.n ?? 0;
}

/** The links that let someone choose this account's password. */
const PASSWORD_LINKS: TokenPurpose[] = ['setup', 'signin', 'reset'];

/**
 * The one way a password is set (sign-in link, reset link, profile change): the new hash, every
 * unused sign-in or reset link of the account revoked, and every session but `keepSessionId`
 * ended, together. Revoked links are marked used rather than deleted: they keep counting against
 * the per-account reset limit, and the record of who made which link stays.
 */
export async function setPasswordRevokingAccess(
  db: DbOrTx,
  userId: number,
  passwordHash: string,
  opts: { keepSessionId?: string; now?: number } = {},
): Promise<void> {
  const now = opts.now ?? Date.now();
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await tx
      .update(oneTimeTokens)
      .set({ usedAt: now })
      .where(and(eq(oneTimeTokens.userId, userId), inArray(oneTimeTokens.purpose, PASSWORD_LINKS), isNull(oneTimeTokens.usedAt)));
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), opts.keepSessionId ? ne(sessions.id, opts.keepSessionId) : undefined));
  });
}

/** Records that the owner proved the address; false when it was proven already. */
export async function markEmailVerified(db: DbOrTx, userId: number, now = Date.now()): Promise<boolean> {
  const marked = await db
    .update(users)
    .set({ emailVerifiedAt: now })
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
    .returning({ id: users.id });
  return marked.length === 1;
}

/** When the account's address was proven: null while unproven, undefined for an unknown account. */
export async function emailVerifiedAtOf(db: DbOrTx, userId: number): Promise<number | null | undefined> {
  const [row] = await db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.at;
}

/** Courses the person completed (withdrawn or not): the certificates that wait for a verified address. */
export async function completedCourseIds(db: DbOrTx, userId: number): Promise<number[]> {
  const rows = await db
    .select({ courseId: enrolments.courseId })
    .from(enrolments)
    .where(and(eq(enrolments.userId, userId), isNotNull(enrolments.completedAt)))
    .orderBy(asc(enrolments.courseId));
  return rows.map((r) => r.courseId);
}

export async function deleteUnusedSetupTokens(db: DbOrTx): Promise<void> {
  await db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.purpose, 'setup'), isNull(oneTimeTokens.usedAt)));
}

export async function countSessions(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return row?.n ?? 0;
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
export async function signInLinkStillAllowed(db: DbOrTx, userId: number, creatorId: number | null): Promise<boolean> {
  if (creatorId === null) return false;
  const admin = (await rolesOf(db, creatorId)).includes('admin');
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), signInLinkAllowed({ id: creatorId, admin })))
    .limit(1);
  return !!row;
}
