import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { cohortCourses, cohortMembers, cohorts, moduleProgress, quizAttempts, submissions, users } from '../db/schema.ts';
import { activeMember, type Cohort, memberDueDate } from './queries.ts';
import type { CohortInput } from './schemas.ts';

// The per-learner page, extensions, bulk selections, and editing or archiving a cohort.

/** An active member of the cohort with their effective due date; undefined for anyone else. */
export async function cohortLearner(db: Db, cohortId: number, userId: number) {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      school: users.school,
      dueDate: memberDueDate,
      extension: cohortMembers.dueDate,
      addedAt: cohortMembers.addedAt,
    })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId), activeMember))
    .limit(1);
  return row;
}

/** The learner's progress rows in the given modules, with their dates. */
export async function learnerProgress(db: Db, userId: number, moduleIds: number[]) {
  if (moduleIds.length === 0) return [];
  return db
    .select({
      moduleId: moduleProgress.moduleId,
      status: moduleProgress.status,
      quizPassed: moduleProgress.quizPassed,
      attempts: moduleProgress.attempts,
      firstViewedAt: moduleProgress.firstViewedAt,
      completedAt: moduleProgress.completedAt,
      lastActivityAt: moduleProgress.lastActivityAt,
    })
    .from(moduleProgress)
    .where(and(eq(moduleProgress.userId, userId), inArray(moduleProgress.moduleId, moduleIds)));
}

/** Per module: how many quiz attempts, the best score and when the last one was submitted. */
export async function quizSummary(db: Db, userId: number, moduleIds: number[]) {
  if (moduleIds.length === 0) return [];
  return db
    .select({
      moduleId: quizAttempts.moduleId,
      attempts: sql<number>`count(*)`.mapWith(Number),
      best: sql<number>`max(${quizAttempts.score})`.mapWith(Number),
      last: sql<number>`max(${quizAttempts.submittedAt})`.mapWith(Number),
    })
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, userId), inArray(quizAttempts.moduleId, moduleIds)))
    .groupBy(quizAttempts.moduleId);
}

/** The active members of the cohort among the ids, by name: anyone else is silently left out. */
export async function activeMembersAmong(db: DbOrTx, cohortId: number, userIds: number[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, inArray(cohortMembers.userId, userIds.slice(0, 10_000))))
    .orderBy(asc(users.name), asc(users.id));
}

/** Sets (or with null clears) the extension of those active members; returns how many changed. */
export async function setExtension(db: DbOrTx, cohortId: number, userIds: number[], dueDate: string | null): Promise<number> {
  if (userIds.length === 0) return 0;
  const changed = await db
    .update(cohortMembers)
    .set({ dueDate })
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, inArray(cohortMembers.userId, userIds.slice(0, 10_000))))
    .returning({ userId: cohortMembers.userId });
  return changed.length;
}

/** Removes the memberships of those active members (their courses and progress stay); returns how many. */
export async function removeMembers(db: DbOrTx, cohortId: number, userIds: number[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const removed = await db
    .delete(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, inArray(cohortMembers.userId, userIds.slice(0, 10_000))))
    .returning({ userId: cohortMembers.userId });
  return removed.length;
}

/** New name, description, dates and courses; returns the courses that were added (their members need enrolling). */
export async function updateCohort(db: Db, cohort: Cohort, input: CohortInput): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx
      .update(cohorts)
      .set({ name: input.name, description: input.description, startDate: input.startDate, dueDate: input.dueDate })
      .where(eq(cohorts.id, cohort.id));
    const before = (await tx.select({ id: cohortCourses.courseId }).from(cohortCourses).where(eq(cohortCourses.cohortId, cohort.id))).map((r) => r.id);
    const wanted = [...new Set(input.courses)];
    const dropped = before.filter((id) => !wanted.includes(id));
    const added = wanted.filter((id) => !before.includes(id));
    if (dropped.length) await tx.delete(cohortCourses).where(and(eq(cohortCourses.cohortId, cohort.id), inArray(cohortCourses.courseId, dropped)));
    if (added.length) await tx.insert(cohortCourses).values(added.map((courseId) => ({ cohortId: cohort.id, courseId })));
    return added;
  });
}

/** The active members' ids, to enrol them in a course added to the cohort. */
export async function activeMemberIds(db: DbOrTx, cohortId: number): Promise<number[]> {
  const rows = await db
    .select({ id: cohortMembers.userId })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember));
  return rows.map((r) => r.id);
}

/** Archives (at = a time) or brings back (at = null) a cohort; false when it already was so. */
export async function setArchived(db: Db, cohortId: number, at: number | null): Promise<boolean> {
  const changed = await db
    .update(cohorts)
    .set({ archivedAt: at })
    .where(and(eq(cohorts.id, cohortId), at === null ? sql`${cohorts.archivedAt} IS NOT NULL` : isNull(cohorts.archivedAt)))
    .returning({ id: cohorts.id });
  return changed.length === 1;
}

/** Has the learner work waiting for a trainer in one of these modules (the cohort's)? */
export async function hasWaitingWork(db: Db, userId: number, moduleIds: number[]): Promise<boolean> {
  if (moduleIds.length === 0) return false;
  const [row] = await db
    .select({ id: submissions.id })
    .from(submissions)
    .where(and(eq(submissions.userId, userId), eq(submissions.status, 'waiting'), inArray(submissions.moduleId, moduleIds)))
    .limit(1);
  return row !== undefined;
}
