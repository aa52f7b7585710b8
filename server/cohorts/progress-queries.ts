import type { PersonSummary } from '../db/schema.ts';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { caseless } from '../db/dialect.ts';
import { certificates, cohortMembers, cohorts, moduleProgress, submissions, users } from '../db/schema.ts';
import { matchesPerson } from '../auth/queries.ts';
import { activeMember, memberDueDate } from './queries.ts';
import type { LearnerStatus } from './statuses.ts';
import type { Sort, StatusFilter } from './schemas.ts';

// The dashboard's aggregate queries. Whatever the cohort size, a page costs a fixed handful of
// statements: one for the page of members (with their totals), one for that page's cells, one for
// the per-module aggregate row, one for certificates. Nothing runs once per learner.

export interface MemberFilter {
  q: string;
  school: string;
  status?: StatusFilter;
}
export interface MemberSort {
  sort: Sort;
  dir: 'asc' | 'desc';
}

/** Per member of the cohort: completed, failed-quiz and touched modules and the last activity among the cohort's modules. */
function perMember(db: Db, cohortId: number, moduleIds: number[]) {
  return db
    .select({
      userId: moduleProgress.userId,
      completed: sql<number>`sum(CASE WHEN ${moduleProgress.status} = 'completed' THEN 1 ELSE 0 END)`.as('completed'),
      failed:
        sql<number>`sum(CASE WHEN ${moduleProgress.attempts} > 0 AND NOT ${moduleProgress.quizPassed} AND ${moduleProgress.status} <> 'completed' THEN 1 ELSE 0 END)`.as(
          'failed',
        ),
      lastActivity: sql<number | null>`max(${moduleProgress.lastActivityAt})`.as('last_activity'),
    })
    .from(moduleProgress)
    .innerJoin(cohortMembers, and(eq(cohortMembers.userId, moduleProgress.userId), eq(cohortMembers.cohortId, cohortId), activeMember))
    .where(inArray(moduleProgress.moduleId, moduleIds))
    .groupBy(moduleProgress.userId)
    .as('p');
}

export interface MemberRow extends PersonSummary {
  dueDate: string | null; // effective: the extension or the cohort's
  extended: boolean;
  /** Has work waiting for a trainer in one of the cohort's modules. */
  awaitingReview: boolean;
}

/** The member has work waiting for a trainer in one of the cohort's modules (the outer query reads cohort_members). */
function awaitingReview(moduleIds: number[]): SQL {
  if (moduleIds.length === 0) return sql`FALSE`;
  return sql`EXISTS (SELECT 1 FROM ${submissions} WHERE ${submissions.userId} = ${cohortMembers.userId} AND ${submissions.status} = 'waiting' AND ${inArray(submissions.moduleId, moduleIds)})`;
}

/**
 * Each learner's cohort-level status (statuses.ts) as one SQL CASE, so the summary counts and the
 * status filter can never disagree. Overdue uses the learner's own due date (their extension).
 */
function learnerStatus(p: ReturnType<typeof perMember>, moduleIds: number[], today: string) {
  const all = moduleIds.length;
  const completed = sql<number>`coalesce(${p.completed}, 0)`;
  return sql<LearnerStatus>`CASE WHEN ${awaitingReview(moduleIds)} THEN 'awaiting_review'
    WHEN ${all} > 0 AND ${completed} >= ${all} THEN 'done'
    WHEN ${memberDueDate} IS NOT NULL AND ${memberDueDate} < ${today} THEN 'overdue'
    WHEN ${p.userId} IS NULL THEN 'not_started' ELSE 'in_progress' END`;
}

/** How many active members are in each learner status: one aggregate statement. */
export async function statusCounts(db: Db, cohortId: number, opts: { moduleIds: number[]; today: string }): Promise<Record<LearnerStatus, number>> {
  const p = perMember(db, cohortId, opts.moduleIds);
  const status = learnerStatus(p, opts.moduleIds, opts.today);
  const rows = await db
    .select({ status, n: sql<number>`count(*)`.mapWith(Number) })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .leftJoin(p, eq(p.userId, cohortMembers.userId))
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember))
    // By position: PostgreSQL would not match the CASE's bound parameters to a repeated expression.
    .groupBy(sql`1`);
  const out: Record<LearnerStatus, number> = { not_started: 0, in_progress: 0, done: 0, overdue: 0, awaiting_review: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

/**
 * One page of members (all of them when limit is null), filtered and sorted in SQL. Sorting by
 * progress or activity and filtering by status join the per-member totals, so they work across the
 * whole cohort; the default (by name) needs no aggregate at all. `today` decides who is overdue.
 */
export async function memberRows(
  db: Db,
  cohortId: number,
  opts: { moduleIds: number[]; filter: MemberFilter; sort: MemberSort; today: string; limit: number | null; offset: number },
): Promise<{ rows: MemberRow[]; total: number }> {
  const p = perMember(db, cohortId, opts.moduleIds);
  const needsTotals = opts.sort.sort !== 'name' || !!opts.filter.status;
  const completed = sql<number>`coalesce(${p.completed}, 0)`;
  const learner = learnerStatus(p, opts.moduleIds, opts.today);
  const status: Record<StatusFilter, SQL> = {
    not_started: sql`${learner} = 'not_started'`,
    in_progress: sql`${learner} = 'in_progress'`,
    done: sql`${learner} = 'done'`,
    overdue: sql`${learner} = 'overdue'`,
    awaiting_review: sql`${learner} = 'awaiting_review'`,
    quiz_failed: sql`coalesce(${p.failed}, 0) > 0`,
  };
  const where = and(
    eq(cohortMembers.cohortId, cohortId),
    activeMember,
    opts.filter.school ? eq(users.school, opts.filter.school) : undefined,
    opts.filter.q ? matchesPerson(opts.filter.q) : undefined,
    opts.filter.status ? status[opts.filter.status] : undefined,
  );
  const order = opts.sort.dir === 'asc' ? asc : desc;
  const byName = [asc(caseless(users.name)), asc(users.id)];
  const orderBy =
    opts.sort.sort === 'progress'
      ? [order(completed), ...byName]
      : opts.sort.sort === 'activity'
        ? // Never-active learners sort last going down and first going up, like a zero.
          [order(sql`coalesce(${p.lastActivity}, 0)`), ...byName]
        : [order(caseless(users.name)), order(users.id)];
  const fields = {
    id: users.id,
    name: users.name,
    email: users.email,
    school: users.school,
    region: users.region,
    country: users.country,
    dueDate: memberDueDate,
    extended: sql<boolean>`CASE WHEN ${cohortMembers.dueDate} IS NULL THEN 0 ELSE 1 END`.mapWith((v) => Number(v) === 1),
    // For the row's status word (statuses.ts: waiting for review comes first).
    awaitingReview: sql<boolean>`CASE WHEN ${awaitingReview(opts.moduleIds)} THEN 1 ELSE 0 END`.mapWith((v) => Number(v) === 1),
  };
  const from = (selection: Record<string, unknown>) => {
    const q = db
      .select(selection as typeof fields & { total: SQL<number> })
      .from(cohortMembers)
      .innerJoin(users, eq(users.id, cohortMembers.userId))
      .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
      .$dynamic();
    return needsTotals ? q.leftJoin(p, eq(p.userId, cohortMembers.userId)) : q;
  };
  const query = from({ ...fields, total: sql<number>`count(*) OVER ()` })
    .where(where)
    .orderBy(...orderBy);
  const rows = await (opts.limit === null ? query : query.limit(opts.limit).offset(opts.offset));
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && opts.offset > 0) {
    // Past the last page the window count has no row to ride on.
    const [counted] = await from({ total: sql<number>`count(*)` }).where(where);
    total = Number(counted?.total ?? 0);
  }
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}

export interface Cell {
  userId: number;
  moduleId: number;
  status: 'in_progress' | 'completed';
  quizPassed: boolean;
  attempts: number;
  lastActivityAt: number;
}

/** Progress rows for the given members (or every member of the cohort when userIds is null). */
export async function progressCells(db: Db, cohortId: number, moduleIds: number[], userIds: number[] | null): Promise<Cell[]> {
  const cols = {
    userId: moduleProgress.userId,
    moduleId: moduleProgress.moduleId,
    status: moduleProgress.status,
    quizPassed: moduleProgress.quizPassed,
    attempts: moduleProgress.attempts,
    lastActivityAt: moduleProgress.lastActivityAt,
  };
  if (userIds) {
    if (userIds.length === 0) return [];
    return db
      .select(cols)
      .from(moduleProgress)
      .where(and(inArray(moduleProgress.userId, userIds), inArray(moduleProgress.moduleId, moduleIds)));
  }
  return db
    .select(cols)
    .from(moduleProgress)
    .innerJoin(cohortMembers, and(eq(cohortMembers.userId, moduleProgress.userId), eq(cohortMembers.cohortId, cohortId), activeMember))
    .where(inArray(moduleProgress.moduleId, moduleIds));
}

/** The aggregate row: per module, how many members completed it, are on it, or failed its quiz. */
export async function moduleTotals(db: Db, cohortId: number, moduleIds: number[]) {
  return db
    .select({
      moduleId: moduleProgress.moduleId,
      completed: sql<number>`sum(CASE WHEN ${moduleProgress.status} = 'completed' THEN 1 ELSE 0 END)`,
      started: sql<number>`count(*)`,
    })
    .from(moduleProgress)
    .innerJoin(cohortMembers, and(eq(cohortMembers.userId, moduleProgress.userId), eq(cohortMembers.cohortId, cohortId), activeMember))
    .where(inArray(moduleProgress.moduleId, moduleIds))
    .groupBy(moduleProgress.moduleId);
}

/** Current (neither replaced nor revoked) certificates for the cohort's courses. */
export async function currentCertificates(db: Db, cohortId: number, courseIds: number[], userIds: number[] | null) {
  if (courseIds.length === 0 || userIds?.length === 0) return [];
  const who = userIds
    ? inArray(certificates.userId, userIds)
    : sql`${certificates.userId} IN (SELECT user_id FROM cohort_members WHERE cohort_id = ${cohortId} AND status = 'active')`;
  return db
    .select({ userId: certificates.userId, courseId: certificates.courseId, code: certificates.code })
    .from(certificates)
    .where(and(who, inArray(certificates.courseId, courseIds), isNull(certificates.replacedByCode), isNull(certificates.revokedAt)));
}

/** Schools of the cohort's members, for the filter. */
export async function schoolsOf(db: Db, cohortId: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ school: users.school })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, sql`${users.school} <> ''`))
    .orderBy(asc(users.school))
    .limit(1000);
  return rows.map((r) => r.school);
}
