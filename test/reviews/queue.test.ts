import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assessments, cohortMembers, cohorts } from '../../server/db/schema.ts';
import { userAgent } from '../helpers.ts';
import { addLearner, DAY, handIn, makeCohort, useReviewSetup } from './fixtures.ts';

const setup = useReviewSetup();

/** The review links of a queue table, in the order shown. */
const reviewIds = (html: string) => [...html.matchAll(/href="\/reviews\/(\d+)\?queue=[^"]+"/g)].map((m) => Number(m[1]));

describe('GET /cohorts/:id/reviews', () => {
  it('lists the waiting work of the cohort’s active members for its courses, oldest first, with a count', async () => {
    const { ctx, trainer, cohortId, course, other, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const boris = await addLearner(ctx.db, cohortId, { name: 'Boris Petrov' });
    const invited = await addLearner(ctx.db, cohortId, { name: 'Ivan Invited' }, 'invited');
    const outsider = await addLearner(ctx.db, null, { name: 'Olga Outside' });
    const now = Date.now();
    const newest = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - DAY });
    const oldest = await handIn(ctx.db, { userId: boris.id, moduleId: modules[1]!.id, courseId: course.id, version: 2, submittedAt: now - 3 * DAY });
    // Not in this queue: passed work, an invited person's, an outsider's, another course's.
    await handIn(ctx.db, { userId: boris.id, moduleId: modules[1]!.id, courseId: course.id, status: 'needs_work', submittedAt: now - 9 * DAY });
    await handIn(ctx.db, { userId: invited.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - 5 * DAY });
    await handIn(ctx.db, { userId: outsider.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - 5 * DAY });
    await handIn(ctx.db, { userId: ada.id, moduleId: other.modules[0]!.id, courseId: other.id, submittedAt: now - 5 * DAY });

    const res = await trainer.agent.get(`/cohorts/${cohortId}/reviews`);
    expect(res.status).toBe(200);
    expect(reviewIds(res.text)).toEqual([oldest, newest]);
    expect(res.text).toContain('<h2>Waiting for review (2)</h2>');
    expect(res.text).toContain(`<a href="/cohorts/${cohortId}/reviews" class="cohort-tab is-current" aria-current="page">`);
    expect(res.text).toContain('2nd version');
    expect(res.text).toContain('3 days');
    expect(res.text).toContain(`<a href="/cohorts/${cohortId}/learners/${boris.id}">Boris Petrov</a>`);
    expect(res.text).not.toContain('Olga Outside');
    expect(res.text).not.toContain('Ivan Invited');
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('shows the cohort’s recently assessed work with the result and the assessor', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id, status: 'passed' });
    await ctx.db
      .insert(assessments)
      .values({ submissionId: id, assessorId: trainer.user.id, scores: { design: 3, offline: 2 }, total: 5, passed: true, createdAt: Date.now() });
    const res = await trainer.agent.get(`/cohorts/${cohortId}/reviews`);
    const recent = res.text.slice(res.text.indexOf('Recently assessed'));
    expect(res.text).toContain('Nothing is waiting for review.');
    expect(recent).toContain(`href="/reviews/${id}?queue=${cohortId}"`);
    expect(recent).toContain('Passed');
    expect(recent).toContain('5 points');
    expect(recent).toContain('Tina Trainer');
  });

  it('answers another trainer’s cohort with 404 and a teacher with 403', async () => {
    const { ctx, cohortId } = await setup({ smtp: false });
    const stranger = await userAgent(ctx, { roles: ['trainer'] });
    expect((await stranger.agent.get(`/cohorts/${cohortId}/reviews`)).status).toBe(404);
    const teacher = await userAgent(ctx);
    expect((await teacher.agent.get(`/cohorts/${cohortId}/reviews`)).status).toBe(403);
    expect((await teacher.agent.get('/admin/reviews')).status).toBe(403);
    expect((await stranger.agent.get('/admin/reviews')).status).toBe(403);
  });

  it('keeps an archived cohort’s queue readable', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    await ctx.db.update(cohorts).set({ archivedAt: Date.now() }).where(eq(cohorts.id, cohortId));
    const res = await trainer.agent.get(`/cohorts/${cohortId}/reviews`);
    expect(res.status).toBe(200);
    expect(reviewIds(res.text)).toEqual([id]);
    expect(res.text).toContain('no work can be assessed through it');
  });
});

describe('GET /admin/reviews', () => {
  it('lists every waiting submission oldest first, teachers in no cohort included, with each learner’s cohorts', async () => {
    const { ctx, trainer, cohortId, course, other, modules } = await setup({ smtp: false });
    const second = await makeCohort(ctx.db, trainer.user.id, [other.id], 'Autumn, north');
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    await ctx.db.insert(cohortMembers).values({ cohortId: second, userId: ada.id, addedAt: 1, status: 'active' });
    const loner = await addLearner(ctx.db, null, { name: 'Lone Teacher' });
    const now = Date.now();
    const a = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - DAY });
    const b = await handIn(ctx.db, { userId: loner.id, moduleId: other.modules[0]!.id, courseId: other.id, submittedAt: now - 2 * DAY });
    await handIn(ctx.db, { userId: loner.id, moduleId: modules[0]!.id, courseId: course.id, status: 'passed' });
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const res = await admin.agent.get('/admin/reviews');
    expect(res.status).toBe(200);
    expect(reviewIds(res.text)).toEqual([b, a]);
    expect(res.text).toContain('All review queues: 2 waiting');
    const adaRow = res.text.slice(res.text.indexOf('Ada Lovelace'), res.text.indexOf('</tr>', res.text.indexOf('Ada Lovelace')));
    expect(adaRow).toContain(`<a href="/cohorts/${second}/reviews">Autumn, north</a>, <a href="/cohorts/${cohortId}/reviews">Spring cohort</a>`);
    const lonerRow = res.text.slice(res.text.indexOf('Lone Teacher'), res.text.indexOf('</tr>', res.text.indexOf('Lone Teacher')));
    expect(lonerRow).toContain('In no cohort');
    expect(res.text).toContain(`href="/reviews/${b}?queue=all"`);
  });

  it('pages by 50', async () => {
    const { ctx, course, modules } = await setup({ smtp: false });
    const now = Date.now();
    for (let i = 0; i < 51; i++) {
      const t = await addLearner(ctx.db, null, { name: `Teacher ${String(i).padStart(2, '0')}` });
      await handIn(ctx.db, { userId: t.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - (100 - i) * 1000 });
    }
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const first = await admin.agent.get('/admin/reviews');
    expect(reviewIds(first.text)).toHaveLength(50);
    expect(first.text).toContain('Teacher 00');
    const second = await admin.agent.get('/admin/reviews?page=2');
    expect(reviewIds(second.text)).toHaveLength(1);
    expect(second.text).toContain('Teacher 50');
  });
});
