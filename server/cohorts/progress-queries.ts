import type { PersonSummary } from '../db/schema.ts';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { caseless } from '../db/dialect.ts';
import { certificates, cohortMembers, moduleProgress, users } from '../db/schema.ts';
import { matchesPerson } from '../auth/queries.ts';
import { activeMember } from './queries.ts';
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

export type MemberRow = PersonSummary;

/**
 * One page of members (all of them when limit is null), filtered and sorted in SQL. Sorting by
 * progress or activity and filtering by status join the per-member totals, so they work across the
 * whole cohort; the default (by name) needs no aggregate at all. `overdue`: the due date has passed.
 */
export async function memberRows(
  db: Db,
  cohortId: number,
  opts: { moduleIds: number[]; filter: MemberFilter; sort: MemberSort; overdue: boolean; limit: number | null; offset: number },
): Promise<{ rows: MemberRow[]; total: number }> {
  const p = perMember(db, cohortId, opts.moduleIds);
  const needsTotals = opts.sort.sort !== 'name' || !!opts.filter.status;
  const completed = sql<number>`coalesce(${p.completed}, 0)`;
  const all = opts.moduleIds.length;
  const status: Record<StatusFilter, SQL> = {
    not_started: sql`${p.userId} IS NULL`,
    in_progress: sql`${p.userId} IS NOT NULL AND ${completed} < ${all}`,
    completed: sql`${all} > 0 AND ${completed} >= ${all}`,
    quiz_failed: sql`coalesce(${p.failed}, 0) > 0`,
    overdue: opts.overdue ? sql`${completed} < ${all}` : sql`FALSE`,
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
  const fields = { id: users.id, name: users.name, email: users.email, school: users.school, region: users.region, country: users.country };
  const from = (selection: Record<string, unknown>) => {
    const q = db
      .select(selection as typeof fields & { total: SQL<number> })
      .from(cohortMembers)
      .innerJoin(users, eq(users.id, cohortMembers.userId))
      .$dynamic();
    return needsTotals ? q.leftJoin(p, eq(p.userId, cohortMembers.userId)) : q;
  };
  const query = from({ ...fields, total: sql<number>`count(*) OVER ()` })
    .where(where)
    .orderBy(...orderBy);
  const rows = await (opts.limit === null ? query : query.limit(opts.limit).offset(opts.offset));
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && opts.offset > 0) {
    // Past the last page the window count has no row to ride on.
    const [counted] = await from({ total: sql<number>`count(*)` }).where(where);
    total = counted?.total ?? 0;
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
