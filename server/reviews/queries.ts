import { and, asc, count, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { assessments, cohortCourses, cohortMembers, cohortTrainers, cohorts, courses, modules, submissions, users } from '../db/schema.ts';

// The review queues and the review page's reads. Writes of an assessment are in assess.ts.

export const PER_PAGE = 50;
export const RECENT = 20;

export type Submission = typeof submissions.$inferSelect;

/** What a queue row shows: who, what, which version, since when. */
const queueFields = {
  id: submissions.id,
  userId: submissions.userId,
  name: users.name,
  email: users.email,
  version: submissions.version,
  submittedAt: submissions.submittedAt,
  courseTitle: courses.title,
  moduleTitle: modules.title,
};

/** The submission belongs to an active member of the cohort, for one of the cohort's courses. */
function inCohort(cohortId: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${cohortMembers} WHERE ${cohortMembers.cohortId} = ${cohortId} AND ${cohortMembers.userId} = ${submissions.userId} AND ${cohortMembers.status} = 'active')
    AND EXISTS (SELECT 1 FROM ${cohortCourses} WHERE ${cohortCourses.cohortId} = ${cohortId} AND ${cohortCourses.courseId} = ${submissions.courseId})`;
}

function queueQuery(db: Db, where: SQL | undefined) {
  return db
    .select(queueFields)
    .from(submissions)
    .innerJoin(users, eq(users.id, submissions.userId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .innerJoin(courses, eq(courses.id, submissions.courseId))
    .where(and(eq(submissions.status, 'waiting'), where))
    .orderBy(asc(submissions.submittedAt), asc(submissions.id));
}

async function countWaiting(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(submissions)
    .where(and(eq(submissions.status, 'waiting'), where));
  return row?.n ?? 0;
}

/** One page of a cohort's queue, oldest first, and how many wait in all. */
export async function cohortQueue(db: Db, cohortId: number, page: number) {
  const where = inCohort(cohortId);
  const rows = await queueQuery(db, where)
    .limit(PER_PAGE)
    .offset((page - 1) * PER_PAGE);
  return { rows, total: await countWaiting(db, where) };
}

/** Every waiting submission (teachers in no cohort included), oldest first, with the cohorts each learner is in. */
export async function allQueues(db: Db, page: number) {
  const rows = await queueQuery(db, undefined)
    .limit(PER_PAGE)
    .offset((page - 1) * PER_PAGE);
  const ids = [...new Set(rows.map((r) => r.userId))];
  const memberships = ids.length
    ? await db
        .select({ userId: cohortMembers.userId, id: cohorts.id, name: cohorts.name })
        .from(cohortMembers)
        .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
        .where(and(inArray(cohortMembers.userId, ids), eq(cohortMembers.status, 'active')))
        .orderBy(asc(cohorts.name), asc(cohorts.id))
    : [];
  const byUser = new Map<number, { id: number; name: string }[]>();
  for (const m of memberships) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), { id: m.id, name: m.name }]);
  return { rows: rows.map((r) => ({ ...r, cohorts: byUser.get(r.userId) ?? [] })), total: await countWaiting(db, undefined) };
}

/** The oldest submission still waiting in a cohort's queue (undefined: nothing left), or in all queues. */
export async function nextWaiting(db: Db, cohortId: number | null): Promise<number | undefined> {
  const [row] = await db
    .select({ id: submissions.id })
    .from(submissions)
    .where(and(eq(submissions.status, 'waiting'), cohortId === null ? undefined : inCohort(cohortId)))
    .orderBy(asc(submissions.submittedAt), asc(submissions.id))
    .limit(1);
  return row?.id;
}

/** The cohort's last assessments, newest first. */
export async function recentlyAssessed(db: Db, cohortId: number) {
  const assessor = sql<string>`(SELECT ${users.name} FROM ${users} WHERE ${users.id} = ${assessments.assessorId})`;
  return db
    .select({ ...queueFields, assessedAt: assessments.createdAt, total: assessments.total, passed: assessments.passed, assessor })
    .from(assessments)
    .innerJoin(submissions, eq(submissions.id, assessments.submissionId))
    .innerJoin(users, eq(users.id, submissions.userId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .innerJoin(courses, eq(courses.id, submissions.courseId))
    .where(inCohort(cohortId))
    .orderBy(desc(assessments.createdAt), desc(assessments.id))
    .limit(RECENT);
}

export async function findSubmission(db: DbOrTx, id: number): Promise<Submission | undefined> {
  const [row] = await db.select().from(submissions).where(eq(submissions.id, id)).limit(1);
  return row;
}

/**
 * How a trainer may treat a submission: through a live cohort in which its author is an active
 * member and its course is one of the cohort's ('live'); only through archived ones ('archived':
 * read-only); not at all (null). Administrators are handled by the caller.
 */
export async function trainerLink(db: Db, trainerId: number, submission: Pick<Submission, 'userId' | 'courseId'>): Promise<'live' | 'archived' | null> {
  const rows = await db
    .select({ archived: sql<number>`CASE WHEN ${cohorts.archivedAt} IS NULL THEN 0 ELSE 1 END`.mapWith(Number) })
    .from(cohortTrainers)
    .innerJoin(cohorts, eq(cohorts.id, cohortTrainers.cohortId))
    .innerJoin(cohortMembers, and(eq(cohortMembers.cohortId, cohorts.id), eq(cohortMembers.userId, submission.userId), eq(cohortMembers.status, 'active')))
    .innerJoin(cohortCourses, and(eq(cohortCourses.cohortId, cohorts.id), eq(cohortCourses.courseId, submission.courseId)))
    .where(eq(cohortTrainers.userId, trainerId))
    .orderBy(asc(cohortTrainers.cohortId));
  if (rows.some((r) => r.archived === 0)) return 'live';
  return rows.length ? 'archived' : null;
}

/** The live cohorts a trainer reaches a submission through (for "back to the queue"), oldest id first. */
export async function linkingCohorts(db: Db, trainerId: number | null, submission: Pick<Submission, 'userId' | 'courseId'>) {
  return db
    .select({ id: cohorts.id, name: cohorts.name })
    .from(cohorts)
    .innerJoin(cohortMembers, and(eq(cohortMembers.cohortId, cohorts.id), eq(cohortMembers.userId, submission.userId), eq(cohortMembers.status, 'active')))
    .innerJoin(cohortCourses, and(eq(cohortCourses.cohortId, cohorts.id), eq(cohortCourses.courseId, submission.courseId)))
    .where(
      and(
        isNull(cohorts.archivedAt),
        trainerId === null
          ? undefined
          : sql`${cohorts.id} IN (SELECT ${cohortTrainers.cohortId} FROM ${cohortTrainers} WHERE ${cohortTrainers.userId} = ${trainerId})`,
      ),
    )
    .orderBy(asc(cohorts.id));
}

/** The person who handed the work in: their name, address and language (for the mail). */
export async function authorOf(db: Db, userId: number) {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, language: users.language })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** The assessment of a submission with its assessor's name (who got there first in a race). */
export async function assessmentOf(db: Db, submissionId: number) {
  const [row] = await db
    .select({ assessment: assessments, assessorName: users.name })
    .from(assessments)
    .innerJoin(users, eq(users.id, assessments.assessorId))
    .where(eq(assessments.submissionId, submissionId))
    .limit(1);
  return row ? { ...row.assessment, assessorName: row.assessorName } : undefined;
}

/** The assessment this reviewer just saved (the notice after the redirect); nobody else's. */
export async function savedAssessment(db: Db, submissionId: number, assessorId: number) {
  const [row] = await db
    .select({
      name: users.name,
      version: submissions.version,
      moduleTitle: modules.title,
      total: assessments.total,
      passed: assessments.passed,
    })
    .from(assessments)
    .innerJoin(submissions, eq(submissions.id, assessments.submissionId))
    .innerJoin(users, eq(users.id, submissions.userId))
    .innerJoin(modules, eq(modules.id, submissions.moduleId))
    .where(and(eq(assessments.submissionId, submissionId), eq(assessments.assessorId, assessorId)))
    .limit(1);
  return row;
}
