import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cohortMembers, cohortTrainers } from '../db/schema.ts';

/** True when the trainer is assigned to a cohort the learner has joined (their trainer); an invitation is not enough. */
export async function isTrainerOf(db: Db, trainerId: number, learnerId: number): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(cohortTrainers)
    .innerJoin(cohortMembers, and(eq(cohortMembers.cohortId, cohortTrainers.cohortId), eq(cohortMembers.status, 'active')))
    .where(and(eq(cohortTrainers.userId, trainerId), eq(cohortMembers.userId, learnerId)))
    .limit(1);
  return rows.length > 0;
}

/** True when the trainer is assigned to this cohort. */
export async function isCohortTrainer(db: Db, trainerId: number, cohortId: number): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(cohortTrainers)
    .where(and(eq(cohortTrainers.userId, trainerId), eq(cohortTrainers.cohortId, cohortId)))
    .limit(1);
  return rows.length > 0;
}
