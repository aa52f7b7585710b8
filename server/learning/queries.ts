import { and, count, desc, eq, type SQLWrapper, sql } from 'drizzle-orm';
import { type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { greater, inJsonIds } from '../db/dialect.ts';
import { competencyEvidence, enrolments, moduleProgress, quizAttempts } from '../db/schema.ts';

export type ProgressRow = typeof moduleProgress.$inferSelect;

const p = sql.placeholder;
// A list of ids as one JSON parameter, so the same prepared statement takes any number of them.
const inIdList = (column: SQLWrapper) => inJsonIds(column, p('ids'));
// A placeholder given the column's encoding (a boolean is 1/0 on SQLite, true/false on PostgreSQL)
// where it stands in raw SQL, which drizzle would otherwise pass through as it comes.
const asColumn = (name: string, column: Parameters<typeof sql.param>[1]) => sql.param(p(name), column);

// The queries of a module page and of a completion, prepared once per connection (see
// preparedPerConnection): a completion runs about a dozen of them in one transaction.
const statements = preparedPerConnection((db) => ({
  enrolment: db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.courseId, p('courseId'))))
    .limit(1)
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
    .returning({ moduleId: moduleProgress.moduleId })
    .prepare(),
  markCompleted: db
    .update(moduleProgress)
    .set({ status: 'completed', completedAt: sql`${p('now')}`, lastActivityAt: sql`${p('now')}` })
    .where(and(eq(moduleProgress.userId, p('userId')), eq(moduleProgress.moduleId, p('moduleId')), sql`${moduleProgress.status} <> 'completed'`))
    .returning({ moduleId: moduleProgress.moduleId })
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
      bestScore: greater(sql`coalesce(${moduleProgress.bestScore}, 0)`, sql`${p('score')}`),
      quizPassed: sql`${moduleProgress.quizPassed} OR ${asColumn('passed', moduleProgress.quizPassed)}`,
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
    .returning({ competency: competencyEvidence.competency })
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
    .orderBy(desc(enrolments.lastActivityAt), desc(enrolments.id))
    .prepare(),
  finishEnrolment: db
    .update(enrolments)
    .set({ lastActivityAt: sql`${p('now')}`, completedAt: sql`coalesce(${enrolments.completedAt}, ${p('now')})` })
    .where(and(eq(enrolments.userId, p('userId')), eq(enrolments.courseId, p('courseId'))))
    .prepare(),
}));

export async function findEnrolment(db: DbOrTx, userId: number, courseId: number) {
  const [row] = await statements(db).enrolment.execute({ userId, courseId });
  return row;
}

export async function progressByModule(db: DbOrTx, userId: number, moduleIds: number[]): Promise<Map<number, ProgressRow>> {
  if (moduleIds.length === 0) return new Map();
  const rows = await statements(db).progress.execute({ userId, ids: JSON.stringify(moduleIds) });
  return new Map(rows.map((r) => [r.moduleId, r]));
}

/** First view of a module: creates its progress row. Later views write nothing. */
export async function markViewed(db: DbOrTx, userId: number, moduleId: number, now: number): Promise<boolean> {
  return (await statements(db).markViewed.execute({ userId, moduleId, now })).length === 1;
}

/** Marks a module complete; true only for the call that changed it (so evidence is written once). */
export async function markCompleted(db: DbOrTx, userId: number, moduleId: number, now: number): Promise<boolean> {
  await markViewed(db, userId, moduleId, now);
  return (await statements(db).markCompleted.execute({ userId, moduleId, now })).length === 1;
}

export async function recordAttempt(
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
): Promise<number> {
  await markViewed(db, input.userId, input.moduleId, input.now);
  const { userId, moduleId, score, passed, now } = input;
  const [row] = await statements(db).insertAttempt.execute({
    userId,
    moduleId,
    answers: input.answers,
    score,
    passed,
    startedAt: input.startedAt,
    key: input.idempotencyKey,
    now,
  });
  await statements(db).countAttempt.execute({ userId, moduleId, score, passed, now });
  return row!.id;
}

export async function findAttempt(db: DbOrTx, attemptId: number, userId: number) {
  const [row] = await db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.id, attemptId), eq(quizAttempts.userId, userId)))
    .limit(1);
  return row;
}

/** The attempt a submission with this key already recorded (keys are unique per teacher). */
export async function attemptByKey(db: DbOrTx, userId: number, key: string) {
  const [row] = await db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.idempotencyKey, key)))
    .limit(1);
  return row;
}

export async function attemptCount(db: DbOrTx, userId: number, moduleId: number): Promise<number> {
  const [row] = await statements(db).attemptCount.execute({ userId, moduleId });
  return row?.n ?? 0;
}

/** Evidence rows for each competency of the module; the unique index makes repeats no-ops. */
export async function addEvidence(
  db: DbOrTx,
  input: { userId: number; moduleId: number; courseId: number; competencies: string[]; now: number },
): Promise<number> {
  let added = 0;
  for (const competency of input.competencies) {
    const rows = await statements(db).addEvidence.execute({
      userId: input.userId,
      competency,
      moduleId: input.moduleId,
      courseId: input.courseId,
      now: input.now,
    });
    added += rows.length;
  }
  return added;
}

export async function countCompleted(db: DbOrTx, userId: number, moduleIds: number[]): Promise<number> {
  if (moduleIds.length === 0) return 0;
  const [row] = await statements(db).countCompleted.execute({ userId, ids: JSON.stringify(moduleIds) });
  return row?.n ?? 0;
}

export async function touchEnrolment(db: DbOrTx, userId: number, courseId: number, now: number, completed = false): Promise<void> {
  await (completed ? statements(db).finishEnrolment : statements(db).touchEnrolment).execute({ userId, courseId, now });
}

export async function withdraw(db: DbOrTx, userId: number, courseId: number, now: number): Promise<boolean> {
  const rows = await db
    .update(enrolments)
    .set({ status: 'withdrawn', lastActivityAt: now })
    .where(and(eq(enrolments.userId, userId), eq(enrolments.courseId, courseId), eq(enrolments.status, 'active')))
    .returning({ id: enrolments.id });
  return rows.length === 1;
}

/** A teacher's active enrolments, most recently active first (progress comes from progressByModule). */
export async function dashboardEnrolments(db: DbOrTx, userId: number) {
  return statements(db).activeEnrolments.execute({ userId });
}
