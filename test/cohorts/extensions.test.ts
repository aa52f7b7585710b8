import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { cohortMembers, cohorts } from '../../server/db/schema.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { makeUser, signedIn, userAgent } from '../helpers.ts';
import { trainerWithCohort } from './fixtures.ts';
import { shownEmails } from './story-fixtures.ts';

async function extensionOf(db: Parameters<typeof addMember>[0], cohortId: number, userId: number) {
  const [row] = await db
    .select({ dueDate: cohortMembers.dueDate })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)));
  return row?.dueDate;
}

async function withLearner() {
  const setup = await trainerWithCohort();
  const { ctx, cohortId } = setup;
  await ctx.db.update(cohorts).set({ dueDate: '2026-06-30' }).where(eq(cohorts.id, cohortId));
  const learner = await makeUser(ctx.db, { name: 'Lena Extended', email: 'lena@school.org' });
  await addMember(ctx.db, cohortId, learner.id);
  return { ...setup, learner, url: `/cohorts/${cohortId}/learners/${learner.id}` };
}

describe('POST /cohorts/:id/learners/:userId/extension', () => {
  it('sets a learner’s own due date, shows it as an extension, and clears it when empty', async () => {
    const { ctx, trainer, cohortId, learner, url } = await withLearner();
    const res = await trainer.agent.post(`${url}/extension`).type('form').send({ dueDate: '2026-09-15' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${url}?notice=extended&count=1`);
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBe('2026-09-15');
    const page = await trainer.agent.get(res.headers.location);
    expect(page.text).toContain('Due date extended for 1 learner.');
    expect(page.text).toContain('15 September 2026');
    expect(page.text).toMatch(/extension \(the cohort(&#39;|')s due date is 30 June 2026\)/);
    expect(page.text).toContain('value="2026-09-15"');
    const matrix = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(matrix.text).toContain('Extended to 15 September 2026');

    const cleared = await trainer.agent.post(`${url}/extension`).type('form').send({ dueDate: '' });
    expect(cleared.status).toBe(303);
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBeNull();
    expect((await trainer.agent.get(cleared.headers.location)).text).toContain('back on the cohort');
  });

  it('accepts a date before the cohort’s due date but refuses one before its start, naming the field (422, nothing written)', async () => {
    const { ctx, trainer, cohortId, learner, url } = await withLearner();
    expect((await trainer.agent.post(`${url}/extension`).type('form').send({ dueDate: '2026-03-01' })).status).toBe(303);
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBe('2026-03-01');
    const early = await trainer.agent.post(`${url}/extension`).type('form').send({ dueDate: '2026-01-09' });
    expect(early.status).toBe(422);
    expect(early.text).toContain('id="f-dueDate-error"');
    expect(early.text).toContain('The due date must be after the start date.');
    expect(early.text).toContain('Personal due date');
    for (const bad of ['2026-02-30', 'soon', ['2026-09-01', '2026-09-02']]) {
      const res = await trainer.agent.post(`${url}/extension`).type('form').send({ dueDate: bad });
      expect(res.status).toBe(422);
      expect(res.text).toContain('Enter a date as YYYY-MM-DD.');
    }
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBe('2026-03-01');
  });

  it('answers 404 for a non-member, another trainer and a learner of another cohort', async () => {
    const { ctx, trainer, cohortId, learner, url, courses } = await withLearner();
    const stranger = await makeUser(ctx.db);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/learners/${stranger.id}/extension`).type('form').send({ dueDate: '2026-09-01' })).status).toBe(404);
    const other = await userAgent(ctx, { roles: ['trainer'] });
    expect((await other.agent.post(`${url}/extension`).type('form').send({ dueDate: '2026-09-01' })).status).toBe(404);
    const otherCohort = await createCohort(
      ctx.db,
      { name: 'Other', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      other.user.id,
    );
    const theirs = await makeUser(ctx.db);
    await addMember(ctx.db, otherCohort, theirs.id);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/learners/${theirs.id}/extension`).type('form').send({ dueDate: '2026-09-01' })).status).toBe(404);
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBeNull();
  });
});

describe('overdue follows each learner’s own due date', () => {
  it('marks a learner overdue when their extension has passed even though the cohort’s has not', async () => {
    const { ctx, trainer, cohortId, learner } = await withLearner();
    await ctx.db.update(cohorts).set({ dueDate: '2999-01-01' }).where(eq(cohorts.id, cohortId));
    const other = await makeUser(ctx.db, { name: 'Omar On Time', email: 'omar@school.org' });
    await addMember(ctx.db, cohortId, other.id);
    await ctx.db
      .update(cohortMembers)
      .set({ dueDate: '2026-02-01' })
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, learner.id)));
    const res = await trainer.agent.get(`/cohorts/${cohortId}?status=overdue`);
    expect(shownEmails(res.text)).toEqual(['lena@school.org']);
    const csv = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv`);
    const lines = csv.text.split(/\r?\n/);
    expect(lines.find((l) => l.includes('lena@school.org'))).toMatch(/"yes"|,yes/);
    expect(lines.find((l) => l.includes('omar@school.org'))).toMatch(/"no"|,no/);
  });
});

describe('POST /cohorts/:id/learners/extension (several learners)', () => {
  it('extends the selected active members and ignores other ids', async () => {
    const { ctx, trainer, cohortId, learner } = await withLearner();
    const second = await makeUser(ctx.db);
    await addMember(ctx.db, cohortId, second.id);
    const stranger = await makeUser(ctx.db);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/learners/extension`)
      .type('form')
      .send(`users=${learner.id}&users=${second.id},${stranger.id}&dueDate=2026-08-01`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}?notice=extended&count=2`);
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBe('2026-08-01');
    expect(await extensionOf(ctx.db, cohortId, second.id)).toBe('2026-08-01');
    expect(await extensionOf(ctx.db, cohortId, stranger.id)).toBeUndefined();
    expect((await trainer.agent.get(res.headers.location)).text).toContain('Due date extended for 2 learners.');
  });

  it('refuses an empty selection, a bad date or one before the start (422, nothing written)', async () => {
    const { ctx, trainer, cohortId, learner } = await withLearner();
    const post = (body: string) => trainer.agent.post(`/cohorts/${cohortId}/learners/extension`).type('form').send(body);
    const none = await post('dueDate=2026-08-01');
    expect(none.status).toBe(422);
    expect(none.text).toContain('Select at least one learner first: nothing was done.');
    const bad = await post(`users=${learner.id}&dueDate=2026-13-01`);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('New due date: enter a date as YYYY-MM-DD.');
    const early = await post(`users=${learner.id}&dueDate=2025-12-31`);
    expect(early.status).toBe(422);
    expect(early.text).toContain('New due date: it cannot be before the cohort');
    expect(await extensionOf(ctx.db, cohortId, learner.id)).toBeNull();
  });
});

describe('the teacher sees their extension', () => {
  it('on the dashboard and on the catalogue course card', async () => {
    const { ctx, cohortId, courses } = await withLearner();
    const teacher = await makeUser(ctx.db, { name: 'Tess Teacher' });
    await addMember(ctx.db, cohortId, teacher.id);
    await enrolInCourse(ctx.db, { userId: teacher.id, course: courses[0]!, baseUrl: 'http://localhost:3000' });
    const agent = await signedIn(ctx.app, teacher.email);
    expect((await agent.get('/dashboard')).text).toContain('30 June 2026');
    await ctx.db
      .update(cohortMembers)
      .set({ dueDate: '2026-09-15' })
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, teacher.id)));
    const dashboard = await agent.get('/dashboard');
    expect(dashboard.text).toContain('Due 15 September 2026 (Yakutsk spring)');
    expect(dashboard.text).not.toContain('30 June 2026');
    const catalogue = await agent.get('/');
    expect(catalogue.status).toBe(200);
    expect(catalogue.text).toContain('Due 15 September 2026 (Yakutsk spring)');
  });
});
