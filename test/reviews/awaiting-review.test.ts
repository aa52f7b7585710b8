import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cohortMembers, moduleProgress } from '../../server/db/schema.ts';
import { shownEmails as storyEmails } from '../cohorts/story-fixtures.ts';
import { addLearner, handIn, useReviewSetup } from './fixtures.ts';

const setup = useReviewSetup();

/** The summary: status → count, read from the rendered links. */
function summaryOf(html: string): Record<string, number> {
  const start = html.indexOf('<nav id="status-summary"');
  const nav = html.slice(start, html.indexOf('</nav>', start));
  const out: Record<string, number> = {};
  for (const m of nav.matchAll(/status=(\w+)"[^>]*>[\s\S]*?<span class="summary-count">(\d+)<\/span>/g)) out[m[1]!] = Number(m[2]);
  return out;
}

const shownEmails = (html: string) => storyEmails(html).sort();

describe('waiting for review in the cohort’s statuses', () => {
  it('counts a learner with work waiting for one of the cohort’s modules before done and overdue, and filters them', async () => {
    const { ctx, trainer, cohortId, course, other, modules } = await setup({ smtp: false });
    const db = ctx.db;
    const complete = async (userId: number) => {
      for (const m of modules)
        await db.insert(moduleProgress).values({ userId, moduleId: m.id, status: 'completed', firstViewedAt: 1, lastActivityAt: 1, completedAt: 1 });
    };
    // Overdue by their own date, but their work waits for the trainer.
    const ada = await addLearner(db, cohortId, { email: 'ada@north.org' });
    await db
      .update(cohortMembers)
      .set({ dueDate: '2000-01-31' })
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, ada.id)));
    await handIn(db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    // Every module completed, a resubmission still waiting.
    const boris = await addLearner(db, cohortId, { email: 'boris@north.org' });
    await complete(boris.id);
    await handIn(db, { userId: boris.id, moduleId: modules[1]!.id, courseId: course.id });
    // Done, their work assessed.
    const chen = await addLearner(db, cohortId, { email: 'chen@north.org' });
    await complete(chen.id);
    await handIn(db, { userId: chen.id, moduleId: modules[1]!.id, courseId: course.id, status: 'passed' });
    // Waiting work for a course this cohort does not follow: not this cohort's review.
    const dana = await addLearner(db, cohortId, { email: 'dana@north.org' });
    await db.insert(moduleProgress).values({ userId: dana.id, moduleId: modules[0]!.id, status: 'in_progress', firstViewedAt: 1, lastActivityAt: 1 });
    await handIn(db, { userId: dana.id, moduleId: other.modules[0]!.id, courseId: other.id });
    await addLearner(db, cohortId, { email: 'eve@north.org' });

    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.status).toBe(200);
    const summary = summaryOf(res.text);
    expect(summary).toEqual({ not_started: 1, in_progress: 1, done: 1, overdue: 0, awaiting_review: 2 });
    expect(Object.values(summary).reduce((a, b) => a + b, 0)).toBe(5);

    const filtered = await trainer.agent.get(`/cohorts/${cohortId}?status=awaiting_review`);
    expect(shownEmails(filtered.text)).toEqual(['ada@north.org', 'boris@north.org']);
    expect(shownEmails((await trainer.agent.get(`/cohorts/${cohortId}?status=done`)).text)).toEqual(['chen@north.org']);
  });
});
