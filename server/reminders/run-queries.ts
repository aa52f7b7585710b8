import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import {
  cohortMembers,
  cohortTrainers,
  cohorts,
  moduleProgress,
  type ReminderDetail,
  type ReminderKind,
  reminderRules,
  reminderSends,
  users,
} from '../db/schema.ts';
import { activeMember, liveCohort, memberDueDate } from '../cohorts/queries.ts';

// The queries of a reminder run. Whatever the cohort size, a chunk of members costs a fixed
// handful of statements: one aggregate read, one multi-row claim, one token update and re-read,
// and one status update per outcome. Nothing runs once per learner except the mail itself.

export interface RunCohort {
  id: number;
  name: string;
  startDate: string;
  dueDate: string | null;
}

/** Live cohorts with at least one rule switched on, after `afterId` (keyset), a page at a time. */
export async function cohortsWithRules(db: Db, afterId: number, limit: number): Promise<RunCohort[]> {
  return db
    .select({ id: cohorts.id, name: cohorts.name, startDate: cohorts.startDate, dueDate: cohorts.dueDate })
    .from(cohorts)
    .where(
      and(
        liveCohort,
        gt(cohorts.id, afterId),
        sql`EXISTS (SELECT 1 FROM ${reminderRules} WHERE ${reminderRules.cohortId} = ${cohorts.id} AND ${reminderRules.enabled})`,
      ),
    )
    .orderBy(asc(cohorts.id))
    .limit(limit);
}

export interface ChunkMember {
  userId: number;
  name: string;
  email: string;
  language: string;
  remindersOff: boolean;
  token: string | null;
  dueDate: string | null;
  completed: number;
  touched: number;
}

/**
 * Active members of a cohort after `afterUserId`, in user id order, with their completed and
 * touched counts among `moduleIds` (correlated counts over module_progress's primary key).
 * `onlyUserIds` narrows it to a trainer's selection (remind now).
 */
export async function memberChunk(
  db: Db,
  cohortId: number,
  moduleIds: number[],
  opts: { afterUserId: number; limit: number; onlyUserIds?: number[] },
): Promise<ChunkMember[]> {
  const modules = moduleIds.length ? inArray(moduleProgress.moduleId, moduleIds) : sql`FALSE`;
  const rows = await db
    .select({
      userId: cohortMembers.userId,
      name: users.name,
      email: users.email,
      language: users.language,
      offAt: cohortMembers.remindersOffAt,
      token: cohortMembers.unsubscribeToken,
      dueDate: memberDueDate,
      completed:
        sql<number>`(SELECT count(*) FROM ${moduleProgress} WHERE ${moduleProgress.userId} = ${cohortMembers.userId} AND ${modules} AND ${moduleProgress.status} = 'completed')`.mapWith(
          Number,
        ),
      touched: sql<number>`(SELECT count(*) FROM ${moduleProgress} WHERE ${moduleProgress.userId} = ${cohortMembers.userId} AND ${modules})`.mapWith(Number),
    })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(
      and(
        eq(cohortMembers.cohortId, cohortId),
        activeMember,
        gt(cohortMembers.userId, opts.afterUserId),
        opts.onlyUserIds ? inArray(cohortMembers.userId, opts.onlyUserIds) : undefined,
      ),
    )
    .orderBy(asc(cohortMembers.userId))
    .limit(opts.limit);
  return rows.map(({ offAt, ...r }) => ({ ...r, remindersOff: offAt !== null }));
}

export interface Claim {
  userId: number;
  kind: ReminderKind;
  period: string;
  detail: ReminderDetail;
  sentBy?: number | null;
}

/**
 * Claims messages before they are sent: a row per (cohort, user, kind, period) that does not exist
 * yet. Returns the claims this call won; the others were sent (or claimed) before.
 */
export async function claimSends(db: Db, cohortId: number, claims: Claim[], now: number): Promise<{ id: number; userId: number }[]> {
  if (!claims.length) return [];
  return db
    .insert(reminderSends)
    .values(claims.map((c) => ({ cohortId, userId: c.userId, kind: c.kind, period: c.period, detail: c.detail, sentBy: c.sentBy ?? null, createdAt: now })))
    .onConflictDoNothing()
    .returning({ id: reminderSends.id, userId: reminderSends.userId });
}

export async function markSends(db: Db, ids: number[], status: 'sent' | 'failed'): Promise<void> {
  if (ids.length) await db.update(reminderSends).set({ status }).where(inArray(reminderSends.id, ids));
}

const TOKEN_BATCH = 100;

/** 128 random bits, base64url: the secret of an unsubscribe link. */
export function newUnsubscribeToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Every listed member's unsubscribe token, made for those who have none yet. Only a NULL token is
 * replaced, so a concurrent run (or a manual reminder) cannot change a link already sent; the
 * tokens are read back afterwards, whoever set them.
 */
export async function ensureTokens(db: Db, cohortId: number, userIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!userIds.length) return out;
  // A CASE per hundred ids: the engines compare each row with the branches one by one, so a
  // CASE over a whole chunk would cost ids² comparisons.
  for (let i = 0; i < userIds.length; i += TOKEN_BATCH) {
    const batch = userIds.slice(i, i + TOKEN_BATCH);
    const cases = sql.join(
      batch.map((id) => sql`WHEN ${id} THEN ${newUnsubscribeToken()}`),
      sql` `,
    );
    await db
      .update(cohortMembers)
      .set({ unsubscribeToken: sql`CASE ${cohortMembers.userId} ${cases} END` })
      .where(and(eq(cohortMembers.cohortId, cohortId), inArray(cohortMembers.userId, batch), isNull(cohortMembers.unsubscribeToken)));
  }
  const rows = await db
    .select({ userId: cohortMembers.userId, token: cohortMembers.unsubscribeToken })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), inArray(cohortMembers.userId, userIds)));
  for (const r of rows) if (r.token) out.set(r.userId, r.token);
  return out;
}

/** The cohort's trainers with their language (the digest's recipients). */
export async function digestRecipients(db: Db, cohortId: number) {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, language: users.language })
    .from(cohortTrainers)
    .innerJoin(users, eq(users.id, cohortTrainers.userId))
    .where(eq(cohortTrainers.cohortId, cohortId))
    .orderBy(asc(users.id));
}
