import { and, count, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { competencyEvidence, enrolments, moduleProgress, modules, quizAttempts } from '../db/schema.ts';

export type ProgressRow = typeof moduleProgress.$inferSelect;

export function findEnrolment(db: DbOrTx, userId: number, courseId: number) {
  return db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.userId, userId), eq(enrolments.courseId, courseId)))
    .get();
}

export function progressByModule(db: DbOrTx, userId: number, moduleIds: number[]): Map<number, ProgressRow> {
  if (moduleIds.length === 0) return new Map();
  const rows = db
    .select()
    .from(moduleProgress)
    .where(and(eq(moduleProgress.userId, userId), inArray(moduleProgress.moduleId, moduleIds)))
    .all();
  return new Map(rows.map((r) => [r.moduleId, r]));
}

/** First view of a module: creates its progress row. Later views write nothing. */
export function markViewed(db: DbOrTx, userId: number, moduleId: number, now: number): boolean {
  return (
    db.insert(moduleProgress).values({ userId, moduleId, status: 'in_progress', firstViewedAt: now, lastActivityAt: now }).onConflictDoNothing().run()
      .changes === 1
  );
}

/** Marks a module complete; true only for the call that changed it (so evidence is written once). */
export function markCompleted(db: DbOrTx, userId: number, moduleId: number, now: number): boolean {
  markViewed(db, userId, moduleId, now);
  return (
    db
      .update(moduleProgress)
      .set({ status: 'completed', completedAt: now, lastActivityAt: now })
      .where(and(eq(moduleProgress.userId, userId), eq(moduleProgress.moduleId, moduleId), sql`${moduleProgress.status} <> 'completed'`))
      .run().changes === 1
  );
}

export function recordAttempt(
  db: DbOrTx,
  input: { userId: number; moduleId: number; answers: Record<string, string[]>; score: number; passed: boolean; startedAt: number | null; now: number },
): number {
  markViewed(db, input.userId, input.moduleId, input.now);
  const row = db
    .insert(quizAttempts)
    .values({
      userId: input.userId,
      moduleId: input.moduleId,
      answers: input.answers,
      score: input.score,
      passed: input.passed,
      startedAt: input.startedAt,
      submittedAt: input.now,
    })
    .returning({ id: quizAttempts.id })
    .get();
  db.update(moduleProgress)
    .set({
      attempts: sql`${moduleProgress.attempts} + 1`,
      bestScore: sql`max(coalesce(${moduleProgress.bestScore}, 0), ${input.score})`,
      quizPassed: sql`${moduleProgress.quizPassed} OR ${input.passed ? 1 : 0}`,
      lastActivityAt: input.now,
    })
    .where(and(eq(moduleProgress.userId, input.userId), eq(moduleProgress.moduleId, input.moduleId)))
    .run();
  return row.id;
}

export function findAttempt(db: Db, attemptId: number, userId: number) {
  return db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.id, attemptId), eq(quizAttempts.userId, userId)))
    .get();
}

export function attemptCount(db: DbOrTx, userId: number, moduleId: number): number {
  return (
    db
      .select({ n: count() })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.moduleId, moduleId)))
      .get()?.n ?? 0
  );
}

/** Evidence rows for each competency of the module; the unique index makes repeats no-ops. */
export function addEvidence(db: DbOrTx, input: { userId: number; moduleId: number; courseId: number; competencies: string[]; now: number }): number {
  if (input.competencies.length === 0) return 0;
  return db
    .insert(competencyEvidence)
    .values(
      input.competencies.map((competency) => ({ userId: input.userId, competency, moduleId: input.moduleId, courseId: input.courseId, createdAt: input.now })),
    )
    .onConflictDoNothing()
    .run().changes;
}

export function countCompleted(db: DbOrTx, userId: number, moduleIds: number[]): number {
  if (moduleIds.length === 0) return 0;
  return (
    db
      .select({ n: count() })
      .from(moduleProgress)
      .where(and(eq(moduleProgress.userId, userId), inArray(moduleProgress.moduleId, moduleIds), eq(moduleProgress.status, 'completed')))
      .get()?.n ?? 0
  );
}

export function touchEnrolment(db: DbOrTx, userId: number, courseId: number, now: number, completed = false) {
  db.update(enrolments)
    .set(completed ? { lastActivityAt: now, completedAt: sql`coalesce(${enrolments.completedAt}, ${now})` } : { lastActivityAt: now })
    .where(and(eq(enrolments.userId, userId), eq(enrolments.courseId, courseId)))
    .run();
}

export function withdraw(db: DbOrTx, userId: number, courseId: number, now: number): boolean {
  return (
    db
      .update(enrolments)
      .set({ status: 'withdrawn', lastActivityAt: now })
      .where(and(eq(enrolments.userId, userId), eq(enrolments.courseId, courseId), eq(enrolments.status, 'active')))
      .run().changes === 1
  );
}

/** Active enrolments with completed-module counts and last activity: one grouped query. */
export function dashboardEnrolments(db: Db, userId: number) {
  const done = db
    .select({
      courseId: modules.courseId,
      completed: count().as('completed'),
      lastProgress: max(moduleProgress.lastActivityAt).as('last_progress'),
    })
    .from(moduleProgress)
    .innerJoin(modules, eq(modules.id, moduleProgress.moduleId))
    .where(and(eq(moduleProgress.userId, userId), eq(moduleProgress.status, 'completed'), eq(modules.archived, false)))
    .groupBy(modules.courseId)
    .as('done');
  return db
    .select({
      courseId: enrolments.courseId,
      enrolledAt: enrolments.enrolledAt,
      completedAt: enrolments.completedAt,
      lastActivityAt: enrolments.lastActivityAt,
      completed: sql<number>`coalesce(${done.completed}, 0)`,
    })
    .from(enrolments)
    .leftJoin(done, eq(done.courseId, enrolments.courseId))
    .where(and(eq(enrolments.userId, userId), eq(enrolments.status, 'active')))
    .orderBy(desc(enrolments.lastActivityAt))
    .all();
}
