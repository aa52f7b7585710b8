import { and, eq } from 'drizzle-orm';
import { addMember } from '../../server/cohorts/queries.ts';
import type { Db } from '../../server/db/client.ts';
import { cohortMembers, cohorts, moduleProgress } from '../../server/db/schema.ts';
import { makeUser } from '../helpers.ts';
import { trainerWithCohort } from './fixtures.ts';

// A cohort that tells a story: one learner of each status, for the summary, filter, learner page and bulk tests.

export const T0 = Date.UTC(2026, 2, 1, 9, 0); // 1 March 2026

export async function progress(db: Db, userId: number, moduleId: number, status: 'in_progress' | 'completed', at = T0) {
  await db.insert(moduleProgress).values({
    userId,
    moduleId,
    status,
    attempts: 0,
    quizPassed: false,
    firstViewedAt: at,
    completedAt: status === 'completed' ? at : null,
    lastActivityAt: at,
  });
}

/**
 * The cohort's due date has passed (2026-02-01). Ada finished everything (done), Boris started
 * (overdue), Chen has not started (overdue), Dana started but has an extension to 2999 (in
 * progress), Eve has not started and has an extension (not started).
 */
export async function storyCohort(options: Parameters<typeof trainerWithCohort>[0] = {}) {
  const setup = await trainerWithCohort(options);
  const { ctx, cohortId, courses } = setup;
  await ctx.db.update(cohorts).set({ dueDate: '2026-02-01' }).where(eq(cohorts.id, cohortId));
  const modules = courses.flatMap((c) => c.modules.map((m) => m.id));
  const person = async (name: string, email: string) => {
    const u = await makeUser(ctx.db, { name, email, school: 'North School' });
    await addMember(ctx.db, cohortId, u.id);
    return u;
  };
  const ada = await person('Ada Lovelace', 'ada@north.org');
  const boris = await person('Boris Petrov', 'boris@south.org');
  const chen = await person('Chen Wei', 'chen@north.org');
  const dana = await person('Dana Scully', 'dana@north.org');
  const eve = await person('Eve Moneypenny', 'eve@north.org');
  for (const m of modules) await progress(ctx.db, ada.id, m, 'completed');
  await progress(ctx.db, boris.id, modules[0]!, 'completed');
  await progress(ctx.db, dana.id, modules[0]!, 'in_progress');
  for (const u of [dana, eve]) {
    await ctx.db
      .update(cohortMembers)
      .set({ dueDate: '2999-12-31' })
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, u.id)));
  }
  return { ...setup, modules, ada, boris, chen, dana, eve };
}

/** An app whose mail is configured (nothing is sent in these tests), so reminder buttons show. */
export const WITH_MAIL = { env: { SMTP_URL: 'smtp://127.0.0.1:1' } };

/** Emails of the learners shown in the matrix, in order. */
export function shownEmails(html: string): string[] {
  return [...html.matchAll(/<th scope="row" id="learner-\d+">.*?<span class="muted small">([^<]+)<\/span>/g)].map((m) => m[1]!);
}
