import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, createCohort, memberStatus } from '../../server/cohorts/queries.ts';
import { cohorts, enrolments } from '../../server/db/schema.ts';
import { makeUser, userAgent } from '../helpers.ts';
import { storyCohort, WITH_MAIL } from './story-fixtures.ts';

describe('POST /cohorts/:id/learners/remove', () => {
  it('first lists who will be removed and removes nothing, then removes them on confirmation', async () => {
    const { ctx, trainer, cohortId, boris, chen, ada } = await storyCohort();
    const stranger = await makeUser(ctx.db, { name: 'Secret Stranger' });
    const ask = await trainer.agent.post(`/cohorts/${cohortId}/learners/remove`).type('form').send(`users=${boris.id}&users=${chen.id}&users=${stranger.id}`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Remove 2 learners?');
    expect(ask.text).toContain('Boris Petrov');
    expect(ask.text).toContain('Chen Wei');
    expect(ask.text).not.toContain('Secret Stranger');
    expect(ask.text).toContain(`<input type="hidden" name="users" value="${boris.id},${chen.id}">`);
    expect(ask.text).toContain('<input type="hidden" name="confirmed" value="yes">');
    expect(await memberStatus(ctx.db, cohortId, boris.id)).toBe('active');

    const done = await trainer.agent
      .post(`/cohorts/${cohortId}/learners/remove`)
      .type('form')
      .send({ users: `${boris.id},${chen.id}`, confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/cohorts/${cohortId}?notice=removedMany&count=2`);
    expect(await memberStatus(ctx.db, cohortId, boris.id)).toBeUndefined();
    expect(await memberStatus(ctx.db, cohortId, chen.id)).toBeUndefined();
    expect(await memberStatus(ctx.db, cohortId, ada.id)).toBe('active');
    expect((await trainer.agent.get(done.headers.location)).text).toContain('2 learners were removed from this cohort.');
  });

  it('refuses an empty selection, or one of nobody in the cohort, with a message (422, nothing done)', async () => {
    const { ctx, trainer, cohortId, ada } = await storyCohort();
    const stranger = await makeUser(ctx.db);
    for (const body of ['', 'users=', 'users=abc', `users=${stranger.id}&confirmed=yes`]) {
      const res = await trainer.agent.post(`/cohorts/${cohortId}/learners/remove`).type('form').send(body);
      expect(res.status, body).toBe(422);
      expect(res.text).toContain('Select at least one learner first: nothing was done.');
    }
    expect(await memberStatus(ctx.db, cohortId, ada.id)).toBe('active');
  });

  it('answers 404 to a trainer of another cohort', async () => {
    const { ctx, cohortId, ada } = await storyCohort();
    const other = await userAgent(ctx, { roles: ['trainer'] });
    const res = await other.agent
      .post(`/cohorts/${cohortId}/learners/remove`)
      .type('form')
      .send({ users: String(ada.id), confirmed: 'yes' });
    expect(res.status).toBe(404);
    expect(await memberStatus(ctx.db, cohortId, ada.id)).toBe('active');
  });
});

describe('POST /cohorts/:id/learners/move', () => {
  it('confirms, then moves the selected learners to another cohort of the trainer and enrols them', async () => {
    const { ctx, trainer, cohortId, courses, dana, eve } = await storyCohort();
    const target = await createCohort(
      ctx.db,
      { name: 'Autumn group', courses: [courses[1]!.id], startDate: '2026-09-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    const ask = await trainer.agent.post(`/cohorts/${cohortId}/learners/move`).type('form').send(`users=${dana.id},${eve.id}&to=${target}`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Move 2 learners?');
    expect(ask.text).toContain('join Autumn group');
    expect(await memberStatus(ctx.db, target, dana.id)).toBeUndefined();
    const done = await trainer.agent
      .post(`/cohorts/${cohortId}/learners/move`)
      .type('form')
      .send({ users: `${dana.id},${eve.id}`, to: String(target), confirmed: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/cohorts/${cohortId}?notice=movedMany&count=2`);
    for (const u of [dana, eve]) {
      expect(await memberStatus(ctx.db, cohortId, u.id)).toBeUndefined();
      expect(await memberStatus(ctx.db, target, u.id)).toBe('active');
      const enrolled = await ctx.db
        .select()
        .from(enrolments)
        .where(and(eq(enrolments.userId, u.id), eq(enrolments.courseId, courses[1]!.id)));
      expect(enrolled).toHaveLength(1);
    }
  });

  it('refuses a cohort the trainer does not manage, an archived one and this one (422, nothing moved)', async () => {
    const { ctx, trainer, cohortId, courses, dana } = await storyCohort();
    const other = await userAgent(ctx, { roles: ['trainer'] });
    const theirs = await createCohort(
      ctx.db,
      { name: 'Theirs', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      other.user.id,
    );
    const archived = await createCohort(
      ctx.db,
      { name: 'Old', courses: [courses[0]!.id], startDate: '2025-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    await ctx.db.update(cohorts).set({ archivedAt: Date.now() }).where(eq(cohorts.id, archived));
    for (const to of [theirs, archived, cohortId, 99999, 'x']) {
      const res = await trainer.agent
        .post(`/cohorts/${cohortId}/learners/move`)
        .type('form')
        .send({ users: String(dana.id), to: String(to), confirmed: 'yes' });
      expect(res.status, String(to)).toBe(422);
      expect(res.text).toContain('Choose another cohort to move this member to.');
    }
    expect(await memberStatus(ctx.db, cohortId, dana.id)).toBe('active');
    expect(await memberStatus(ctx.db, theirs, dana.id)).toBeUndefined();
  });
});

describe('the bulk form on GET /cohorts/:id', () => {
  it('offers remind, slips, extend, move and remove on the ticked learners', async () => {
    const { ctx, trainer, cohortId, courses } = await storyCohort(WITH_MAIL);
    await createCohort(ctx.db, { name: 'Autumn group', courses: [courses[1]!.id], startDate: '2026-09-01', dueDate: null, description: '' }, trainer.user.id);
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.text).toContain(`<form method="post" action="/cohorts/${cohortId}/learners/extension" id="bulk-form"`);
    for (const action of ['reminders/send', 'slips.pdf', 'learners/extension', 'learners/move', 'learners/remove']) {
      expect(res.text).toContain(`formaction="/cohorts/${cohortId}/${action}"`);
    }
    expect(res.text).toContain('<label for="bulk-due">New due date</label>');
    expect(res.text).toContain('<option value="');
    expect(res.text).toContain('Autumn group</option>');
  });

  it('has no remind button without a mail server', async () => {
    const { trainer, cohortId } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.text).not.toContain('/reminders/send');
    expect(res.text).toContain(`formaction="/cohorts/${cohortId}/learners/remove"`);
  });

  it('leaves out a learner added to another cohort only', async () => {
    const { ctx, trainer, cohortId, courses } = await storyCohort();
    const target = await createCohort(
      ctx.db,
      { name: 'B', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    const elsewhere = await makeUser(ctx.db);
    await addMember(ctx.db, target, elsewhere.id);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/learners/remove`)
      .type('form')
      .send({ users: String(elsewhere.id), confirmed: 'yes' });
    expect(res.status).toBe(422);
    expect(await memberStatus(ctx.db, target, elsewhere.id)).toBe('active');
  });
});
