import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { matchesPerson } from '../auth/queries.ts';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts, userRoles, users } from '../db/schema.ts';
import type { CohortInput } from './schemas.ts';

// Cohorts, trainers and members. The dashboard's aggregate queries are in progress-queries.ts.

export type Cohort = typeof cohorts.$inferSelect;

export function findCohort(db: Db, id: number): Cohort | undefined {
  return db.select().from(cohorts).where(eq(cohorts.id, id)).get();
}

export function createCohort(db: Db, input: CohortInput, creatorId: number, now = Date.now()): number {
  return db.transaction((tx) => {
    const row = tx
      .insert(cohorts)
      .values({ name: input.name, description: input.description, startDate: input.startDate, dueDate: input.dueDate, createdBy: creatorId, createdAt: now })
      .returning({ id: cohorts.id })
      .get();
    for (const courseId of new Set(input.courses)) tx.insert(cohortCourses).values({ cohortId: row.id, courseId }).run();
    tx.insert(cohortTrainers).values({ cohortId: row.id, userId: creatorId }).onConflictDoNothing().run();
    return row.id;
  });
}

/** The cohorts a trainer is assigned to (every cohort for an administrator), newest first, with member counts. */
export function listCohorts(db: Db, opts: { userId: number; all: boolean; page: number; perPage: number }) {
  const where = opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`;
  const rows = db
    .select({
      id: cohorts.id,
      name: cohorts.name,
      description: cohorts.description,
      startDate: cohorts.startDate,
      dueDate: cohorts.dueDate,
      members: sql<number>`(SELECT count(*) FROM cohort_members WHERE cohort_id = ${cohorts.id})`,
      courseIds: sql<string | null>`(SELECT group_concat(course_id) FROM cohort_courses WHERE cohort_id = ${cohorts.id})`,
    })
    .from(cohorts)
    .where(where)
    .orderBy(desc(cohorts.createdAt), desc(cohorts.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)
    .all();
  const total = db.select({ n: count() }).from(cohorts).where(where).get()?.n ?? 0;
  return { rows: rows.map((r) => ({ ...r, courseIds: r.courseIds ? r.courseIds.split(',').map(Number) : [] })), total };
}

/** Other cohorts a member can be moved to: those the trainer manages (all for an administrator). */
export function movableTargets(db: Db, opts: { userId: number; all: boolean; except: number }) {
  const mine = opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`;
  return db
    .select({ id: cohorts.id, name: cohorts.name })
    .from(cohorts)
    .where(and(ne(cohorts.id, opts.except), mine))
    .orderBy(asc(cohorts.name))
    .limit(500)
    .all();
}

export function cohortCourseIds(db: DbOrTx, cohortId: number): number[] {
  return db
    .select({ id: cohortCourses.courseId })
    .from(cohortCourses)
    .where(eq(cohortCourses.cohortId, cohortId))
    .all()
    .map((r) => r.id);
}

export function trainersOf(db: Db, cohortId: number) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(cohortTrainers)
    .innerJoin(users, eq(users.id, cohortTrainers.userId))
    .where(eq(cohortTrainers.cohortId, cohortId))
    .orderBy(asc(users.name))
    .all();
}

/** A user who may train a cohort: holds the trainer (or administrator) role. */
export function findTrainerByEmail(db: Db, email: string) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), inArray(userRoles.role, ['trainer', 'admin'])))
    .get();
}

export function addTrainer(db: Db, cohortId: number, userId: number): boolean {
  return db.insert(cohortTrainers).values({ cohortId, userId }).onConflictDoNothing().run().changes === 1;
}

/** Existing accounts among the emails, and whether each already belongs to the cohort. */
export function findUsersForImport(db: DbOrTx, cohortId: number, emails: string[]): Map<string, { id: number; member: boolean }> {
  const out = new Map<string, { id: number; member: boolean }>();
  // Chunks keep each statement well under SQLite's bound-parameter limit.
  for (let i = 0; i < emails.length; i += 500) {
    const chunk = emails.slice(i, i + 500);
    const rows = db
      .select({ id: users.id, email: users.email, member: sql<number>`${cohortMembers.userId} IS NOT NULL` })
      .from(users)
      .leftJoin(cohortMembers, and(eq(cohortMembers.userId, users.id), eq(cohortMembers.cohortId, cohortId)))
      .where(inArray(users.email, chunk))
      .all();
    for (const r of rows) out.set(r.email, { id: r.id, member: !!r.member });
  }
  return out;
}

export function addMember(db: DbOrTx, cohortId: number, userId: number, now = Date.now()): boolean {
  return db.insert(cohortMembers).values({ cohortId, userId, addedAt: now }).onConflictDoNothing().run().changes === 1;
}

/** Only the membership goes: enrolments, progress and certificates stay with the person. */
export function removeMember(db: DbOrTx, cohortId: number, userId: number): boolean {
  return (
    db
      .delete(cohortMembers)
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
      .run().changes === 1
  );
}

export function isMember(db: DbOrTx, cohortId: number, userId: number): boolean {
  return !!db
    .select({ one: sql<number>`1` })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
    .get();
}

export function countMembers(db: DbOrTx, cohortId: number): number {
  return db.select({ n: count() }).from(cohortMembers).where(eq(cohortMembers.cohortId, cohortId)).get()?.n ?? 0;
}

export function listMembers(db: Db, cohortId: number, opts: { q: string; page: number; perPage: number }) {
  const where = and(eq(cohortMembers.cohortId, cohortId), opts.q ? matchesPerson(opts.q) : undefined);
  const rows = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      school: users.school,
      hasPassword: sql<number>`${users.passwordHash} IS NOT NULL`,
      addedAt: cohortMembers.addedAt,
    })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)
    .all();
  const total = db.select({ n: count() }).from(cohortMembers).innerJoin(users, eq(users.id, cohortMembers.userId)).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Members who have not set a password yet (optionally only some of them): they need a sign-in link. */
export function membersWithoutPassword(db: Db, cohortId: number, onlyUserIds: number[] = []) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, language: users.language })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(
      and(eq(cohortMembers.cohortId, cohortId), isNull(users.passwordHash), onlyUserIds.length ? inArray(users.id, onlyUserIds.slice(0, 10_000)) : undefined),
    )
    .orderBy(asc(users.name), asc(users.id))
    .all();
}

export function countWithoutPassword(db: Db, cohortId: number): number {
  return (
    db
      .select({ n: count() })
      .from(cohortMembers)
      .innerJoin(users, eq(users.id, cohortMembers.userId))
      .where(and(eq(cohortMembers.cohortId, cohortId), isNull(users.passwordHash)))
      .get()?.n ?? 0
  );
}

/** The cohorts a teacher belongs to, for the learner's own dashboard (sooner due dates first). */
// On every dashboard: prepared once per connection.
const memberCohorts = preparedPerConnection((db) =>
  db
    .select({ id: cohorts.id, name: cohorts.name, dueDate: cohorts.dueDate })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(eq(cohortMembers.userId, sql.placeholder('userId')))
    .orderBy(sql`${cohorts.dueDate} IS NULL`, asc(cohorts.dueDate), asc(cohorts.name))
    .prepare(),
);

export function cohortsOfMember(db: Db, userId: number): { id: number; name: string; dueDate: string | null }[] {
  return memberCohorts(db).all({ userId });
}
