import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { quizAttempts } from '../db/schema.ts';

/** What the quiz rules need of a teacher's attempts at one module (see quiz-draw.ts). */
export interface AttemptHistory {
  /** Attempts made so far: the next one is number count + 1 (it seeds that attempt's draw). */
  count: number;
  failures: number;
  passes: number;
  last: { passed: boolean; submittedAt: number } | null;
}

export const NO_ATTEMPTS: AttemptHistory = { count: 0, failures: 0, passes: 0, last: null };

export async function attemptHistory(db: DbOrTx, userId: number, moduleId: number): Promise<AttemptHistory> {
  const ofModule = and(eq(quizAttempts.userId, userId), eq(quizAttempts.moduleId, moduleId));
  const [totals] = await db
    .select({
      count: count(),
      // A CASE of one type over the boolean column: both engines run it (PostgreSQL sums to a bigint, hence Number).
      passes: sql<number>`COALESCE(SUM(CASE WHEN ${quizAttempts.passed} THEN 1 ELSE 0 END), 0)`.mapWith(Number),
    })
    .from(quizAttempts)
    .where(ofModule);
  const n = totals?.count ?? 0;
  if (n === 0) return NO_ATTEMPTS;
  const [last] = await db
    .select({ passed: quizAttempts.passed, submittedAt: quizAttempts.submittedAt })
    .from(quizAttempts)
    .where(ofModule)
    .orderBy(desc(quizAttempts.id))
    .limit(1);
  const passes = totals?.passes ?? 0;
  return { count: n, failures: n - passes, passes, last: last ?? null };
}
