import { and, count, desc, eq, type SQLWrapper, sql } from 'drizzle-orm';
import { type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { refreshStanding } from '../evidence/roll-ups.ts';
import { greater, inJsonIds } from '../db/dialect.ts';
import { competencyEvidence, enrolments, type EvidenceKind, moduleProgress, quizAttempts } from '../db/schema.ts';

export type ProgressRow = typeof moduleProgress.$inferSelect;

const p = sql.placeholder;
// A list of ids as one JSON parameter, so the same prepared statement takes any number of them.
const inIdList = (column: SQLWrapper) => inJsonIds(column, p('ids'));
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
  // One upsert instead of "ensure the row, then update it": returns the row only when it was
  // inserted completed or changed to completed, so evidence is written once.
  markCompleted: db
    .insert(moduleProgress)
    .values({ userId: p('userId'), moduleId: p('moduleId'), status: 'completed', firstViewedAt: p('now'), completedAt: p('now'), lastActivityAt: p('now') })
    .onConflictDoUpdate({
      target: [moduleProgress.userId, moduleProgress.moduleId],
      set: { status: 'completed', completedAt: sql`excluded.completed_at`, lastActivityAt: sql`excluded.last_activity_at` },
      setWhere: sql`${moduleProgress.status} <> 'completed'`,
    })
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
  // The attempt counted on the module's progress, the row made on a first attempt: one upsert.
  countAttempt: db
    .insert(moduleProgress)
    .values({
      userId: p('userId'),
      moduleId: p('moduleId'),
      status: 'in_progress',
      attempts: 1,
      bestScore: p('score'),
      quizPassed: p('passed'),
      firstViewedAt: p('now'),
      lastActivityAt: p('now'),
    })
    .onConflictDoUpdate({
      target: [moduleProgress.userId, moduleProgress.moduleId],
      set: {
        attempts: sql`${moduleProgress.attempts} + 1`,
        bestScore: greater(sql`coalesce(${moduleProgress.bestScore}, 0)`, sql`excluded.best_score`),
        quizPassed: sql`${moduleProgress.quizPassed} OR excluded.quiz_passed`,
        lastActivityAt: sql`excluded.last_activity_at`,
      },
    })
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

// Evidence rows in one statement: one prepared insert per number of competencies (a module
// has a handful), built on first use. Module completion writes through it on every pass.
const evidenceInserts = preparedPerConnection((db) => {
  const byCount = new Map<number, ReturnType<typeof buildEvidenceInsert>>();
  function buildEvidenceInsert(n: number) {
    return db
      .insert(competencyEvidence)
      .values(
        Array.from({ length: n }, (_, i) => ({
          userId: p('userId'),
          competency: p(`c${i}`),
          kind: p('kind'),
          moduleId: p('moduleId'),
          courseId: p('courseId'),
          source: p('source'),
          assessorId: p('assessorId'),
          createdAt: p('now'),
        })),
      )
      .onConflictDoNothing()
      .returning({ competency: competencyEvidence.competency })
      .prepare();
  }
  return (n: number) => {
    let insert = byCount.get(n);
    if (!insert) {
      insert = buildEvidenceInsert(n);
      byCount.set(n, insert);
    }
    return insert;
  };
});

export interface EvidenceInput {
  userId: number;
  competencies: readonly string[];
  kind: EvidenceKind;
  /** What gave it, unique per teacher and competency: 'module:<id>', 'assignment:<module id>', 'session:<id>', 'recognition:<id>'. */
  source: string;
  moduleId?: number | null;
  courseId?: number | null;
  assessorId?: number | null;
  now: number;
}

/**
 * The only way evidence is written: one row per competency, inside the caller's transaction
 * (the event that earns it and its evidence commit together), with the teacher's
 * competency_standings row. The unique index on (user, competency, source) makes repeats no-ops;
 * returns how many rows were new.
 */
export async function addEvidence(db: DbOrTx, input: EvidenceInput): Promise<number> {
  if (input.competencies.length === 0) return 0;
  const codes = Object.fromEntries(input.competencies.map((code, i) => [`c${i}`, code]));
  const rows = await evidenceInserts(db)(input.competencies.length).execute({
    userId: input.userId,
    kind: input.kind,
    moduleId: input.moduleId ?? null,
    courseId: input.courseId ?? null,
    source: input.source,
    assessorId: input.assessorId ?? null,
    now: input.now,
    ...codes,
  });
  // The teacher's roll-up follows in the same transaction (repeats that added nothing leave it be).
  if (rows.length > 0) await refreshStanding(db, input.userId);
  return rows.length;
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
