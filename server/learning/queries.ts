import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { competencyEvidence, enrolments, moduleProgress, quizAttempts } from '../db/schema.ts';

export type ProgressRow = typeof moduleProgress.$inferSelect;

const p = sql.placeholder;
// A list of ids as one JSON parameter, so the same prepared statement takes any number of them.
const inIdList = (column: SQLiteColumn) => sql`${column} IN (SELECT value FROM json_each(${p('ids')}))`;

// The queries of a module page and of a completion, prepared once per connection (see
// preparedPerConnection): a completion runs about a dozen of them in one transaction.
const statements = preparedPerConnection((db) => ({
  enrolment: db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.courseId, p('courseId'))))
    .prepare(),
  progress: db
    .select()
    .from(moduleProgress)
    .where(and(eq(moduleProgress.userId, p('userId')), inIdList(moduleProgress.moduleId)))
    .prepare(),
  markViewed: db
    .insert(moduleProgress)
    .values({ userId: p('userId'), moduleId: p('moduleId'), status: 'in_progress', firstViewedAt: p('now'), lastActivityAt: p('now') })
    .onConflictDoNothing()
    .prepare(),
  markCompleted: db
    .update(moduleProgress)
    .set({ status: 'completed', completedAt: sql`${p('now')}`, lastActivityAt: sql`${p('now')}` })
    .where(and(eq(moduleProgress.userId, p('userId')), eq(moduleProgress.moduleId, p('moduleId')), sql`${moduleProgress.status} <> 'completed'`))
    .prepare(),
  insertAttempt: db
    .insert(quizAttempts)
    .values({
      userId: p('userId'),
      moduleId: p('moduleId'),
      answers: p('answers'),
      score: p('score'),
      passed: p('passed'),
      startedAt: p('startedAt'),
      submittedAt: p('now'),
      idempotencyKey: p('key'),
    })
    .returning({ id: quizAttempts.id })
    .prepare(),
  countAttempt: db
    .update(moduleProgress)
    .set({
      attempts: sql`${moduleProgress.attempts} + 1`,
      bestScore: sql`max(coalesce(${moduleProgress.bestScore}, 0), ${p('score')})`,
      quizPassed: sql`${moduleProgress.quizPassed} OR ${p('passed')}`,
      lastActivityAt: sql`${p('now')}`,
    })
    .where(and(eq(moduleProgress.userId, p('userId')), eq(moduleProgress.moduleId, p('moduleId'))))
    .prepare(),
  attemptCount: db
    .select({ n: count() })
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, p('userId')), eq(quizAttempts.moduleId, p('moduleId'))))
    .prepare(),
  addEvidence: db
    .insert(competencyEvidence)
    .values({ userId: p('userId'), competency: p('competency'), moduleId: p('moduleId'), courseId: p('courseId'), createdAt: p('now') })
    .onConflictDoNothing()
    .prepare(),
  countCompleted: db
    .select({ n: count() })
    .from(moduleProgress)
    .where(and(eq(moduleProgress.userId, p('userId')), inIdList(moduleProgress.moduleId), eq(moduleProgress.status, 'completed')))
    .prepare(),
  touchEnrolment: db
    .update(enrolments)
    .set({ lastActivityAt: sql`${p('now')}` })
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.courseId, p('courseId'))))
    .prepare(),
  activeEnrolments: db
    .select({
      courseId: enrolments.courseId,
      enrolledAt: enrolments.enrolledAt,
      completedAt: enrolments.completedAt,
      lastActivityAt: enrolments.lastActivityAt,
    })
    .from(enrolments)
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.status, 'active')))
    .orderBy(desc(enrolments.lastActivityAt))
    .prepare(),
  finishEnrolment: db
    .update(enrolments)
    .set({ lastActivityAt: sql`${p('now')}`, completedAt: sql`coalesce(${enrolments.completedAt}, ${p('now')})` })
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.courseId, p('courseId'))))
    .prepare(),
}));

export function findEnrolment(db: DbOrTx, userId: number, courseId: number) {
  return statements(db).enrolment.get({ userId, courseId });
}

export function progressByModule(db: DbOrTx, userId: number, moduleIds: number[]): Map<number, ProgressRow> {
  if (moduleIds.length === 0) return new Map();
  const rows = statements(db).progress.all({ userId, ids: JSON.stringify(moduleIds) });
  return new Map(rows.map((r) => [r.moduleId, r]));
}

/** First view of a module: creates its progress row. Later views write nothing. */
export function markViewed(db: DbOrTx, userId: number, moduleId: number, now: number): boolean {
  return statements(db).markViewed.run({ userId, moduleId, now }).changes === 1;
}

/** Marks a module complete; true only for the call that changed it (so evidence is written once). */
export function markCompleted(db: DbOrTx, userId: number, moduleId: number, now: number): boolean {
  markViewed(db, userId, moduleId, now);
  return statements(db).markCompleted.run({ userId, moduleId, now }).changes === 1;
}

export function recordAttempt(
  db: DbOrTx,
  input: {
    userId: number;
    moduleId: number;
    answers: Record<string, string[]>;
    score: number;
    passed: boolean;
    startedAt: number | null;
    idempotencyKey: string | null;
    now: number;
  },
): number {
  markViewed(db, input.userId, input.moduleId, input.now);
  const { userId, moduleId, score, now } = input;
  const passed = input.passed ? 1 : 0;
  const row = statements(db).insertAttempt.get({
    userId,
    moduleId,
    answers: input.answers,
    score,
    passed,
    startedAt: input.startedAt,
    key: input.idempotencyKey,
    now,
  });
  statements(db).countAttempt.run({ userId, moduleId, score, passed, now });
  return row!.id;
}

export function findAttempt(db: Db, attemptId: number, userId: number) {
  return db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.id, attemptId), eq(quizAttempts.userId, userId)))
    .get();
}

/** The attempt a submission with this key already recorded (keys are unique per teacher). */
export function attemptByKey(db: DbOrTx, userId: number, key: string) {
  return db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.idempotencyKey, key)))
    .get();
}

export function attemptCount(db: DbOrTx, userId: number, moduleId: number): number {
  return statements(db).attemptCount.get({ userId, moduleId })?.n ?? 0;
}

/** Evidence rows for each competency of the module; the unique index makes repeats no-ops. */
export function addEvidence(db: DbOrTx, input: { userId: number; moduleId: number; courseId: number; competencies: string[]; now: number }): number {
  let added = 0;
  for (const competency of input.competencies) {
    added += statements(db).addEvidence.run({ userId: input.userId, competency, moduleId: input.moduleId, courseId: input.courseId, now: input.now }).changes;
  }
  return added;
}

export function countCompleted(db: DbOrTx, userId: number, moduleIds: number[]): number {
  if (moduleIds.length === 0) return 0;
  return statements(db).countCompleted.get({ userId, ids: JSON.stringify(moduleIds) })?.n ?? 0;
}

export function touchEnrolment(db: DbOrTx, userId: number, courseId: number, now: number, completed = false) {
  (completed ? statements(db).finishEnrolment : statements(db).touchEnrolment).run({ userId, courseId, now });
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

/** A teacher's active enrolments, most recently active first (progress comes from progressByModule). */
export function dashboardEnrolments(db: Db, userId: number) {
  return statements(db).activeEnrolments.all({ userId });
}
