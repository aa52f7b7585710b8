import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { activeMember, liveCohort, memberDueDate } from '../cohorts/queries.ts';
import { type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { cohortCourses, cohortMembers, cohorts, enrolments } from '../db/schema.ts';

export interface CourseDue {
  /** YYYY-MM-DD */
  date: string;
  cohort: string;
}

// Read by every signed-in catalogue and dashboard: prepared once per connection.
const dueRows = preparedPerConnection((db) =>
  db
    .select({ courseId: cohortCourses.courseId, dueDate: memberDueDate, name: cohorts.name })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .innerJoin(cohortCourses, eq(cohortCourses.cohortId, cohorts.id))
    .where(and(eq(cohortMembers.userId, sql.placeholder('userId')), activeMember, liveCohort, isNotNull(memberDueDate)))
    .orderBy(asc(memberDueDate), asc(cohorts.name), asc(cohorts.id))
    .prepare(),
);

/** For each course of a cohort the teacher has joined, the soonest due date among those cohorts (their own extension where they have one). */
export async function dueDatesOf(db: DbOrTx, userId: number): Promise<Map<number, CourseDue>> {
  const out = new Map<number, CourseDue>();
  for (const row of await dueRows(db).execute({ userId })) {
    if (row.dueDate && !out.has(row.courseId)) out.set(row.courseId, { date: row.dueDate, cohort: row.name });
  }
  return out;
}

const enrolledRows = preparedPerConnection((db) =>
  db
    .select({ courseId: enrolments.courseId })
    .from(enrolments)
    .where(eq(enrolments.userId, sql.placeholder('userId')))
    .prepare(),
);

/** Every course the teacher has enrolled in, including those they have left. */
export async function coursesEverEnrolled(db: DbOrTx, userId: number): Promise<Set<number>> {
  const rows = await enrolledRows(db).execute({ userId });
  return new Set(rows.map((r) => r.courseId));
}
