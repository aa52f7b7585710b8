import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cohortMembers, cohortTrainers } from '../db/schema.ts';

/** True when the trainer is assigned to a cohort the learner has joined (their trainer); an invitation is not enough. */
export function isTrainerOf(db: Db, trainerId: number, learnerId: number): boolean {
  const row = db
    .select({ one: sql<number>`1` })
    .from(cohortTrainers)
    .innerJoin(cohortMembers, and(eq(cohortMembers.cohortId, cohortTrainers.cohortId), eq(cohortMembers.status, 'active')))
    .where(and(eq(cohortTrainers.userId, trainerId), eq(cohortMembers.userId, learnerId)))
    .limit(1)
    .get();
  return !!row;
}

/** True when the trainer is assigned to this cohort. */
export function isCohortTrainer(db: Db, trainerId: number, cohortId: number): boolean {
  return !!db
    .select({ one: sql<number>`1` })
    .from(cohortTrainers)
    .where(and(eq(cohortTrainers.userId, trainerId), eq(cohortTrainers.cohortId, cohortId)))
    .get();
}
