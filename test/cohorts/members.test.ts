import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCohort } from '../../server/cohorts/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { cohortMembers, enrolments, users } from '../../server/db/schema.ts';
import { makeUser } from '../helpers.ts';
import { trainerWithCohort, upload } from './fixtures.ts';

const LIST = [
  'email,name,school,region,country,language',
  'olga@school.ru,Olga Ivanova,School 3,Sakha,Russia,ru',
  'ann@school.org,Ann Lee,School 7,Nunavut,Canada,en',
  '',
].join('\n');

describe('POST /cohorts/:id/members/:userId/remove', () => {
  it('removes only the membership: enrolments and progress stay', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    const [olga] = await ctx.db.select().from(users).where(eq(users.email, 'olga@school.ru'));
    const res = await trainer.agent.post(`/cohorts/${cohortId}/members/${olga!.id}/remove`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/members?notice=removed`);
    expect(await ctx.db.select().from(cohortMembers).where(eq(cohortMembers.userId, olga!.id))).toHaveLength(0);
    expect(await ctx.db.select().from(enrolments).where(eq(enrolments.userId, olga!.id))).toHaveLength(2);
    expect(await ctx.db.select().from(users).where(eq(users.id, olga!.id))).toHaveLength(1);
    const page = await trainer.agent.get(res.headers.location);
    expect(page.text).toContain('The member was removed from this cohort.');
    expect((await trainer.agent.post(`/cohorts/${cohortId}/members/${olga!.id}/remove`)).status).toBe(404);
  });
});

describe('POST /cohorts/:id/members/:userId/move', () => {
  it('moves a member to another cohort the trainer manages and enrols them in its courses', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    const [olga] = await ctx.db.select().from(users).where(eq(users.email, 'olga@school.ru'));
    const thirdCourse = (await ctx.db.select().from(enrolments).where(eq(enrolments.userId, olga!.id))).length;
    expect(thirdCourse).toBe(2);
    const arctic = (await getCatalogue(ctx.db)).courses.find((c) => !courses.some((x) => x.id === c.id))!;
    const target = await createCohort(
      ctx.db,
      { name: 'Arctic', courses: [arctic.id], startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    const members = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    expect(members.text).toContain(`<option value="${target}">Arctic</option>`);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/members/${olga!.id}/move`)
      .type('form')
      .send({ to: String(target) });
    expect(res.status).toBe(303);
    expect((await ctx.db.select().from(cohortMembers).where(eq(cohortMembers.userId, olga!.id))).map((m) => m.cohortId)).toEqual([target]);
    expect(await ctx.db.select().from(enrolments).where(eq(enrolments.userId, olga!.id))).toHaveLength(3);
  });

  it('refuses a cohort the trainer does not manage, and the same cohort', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    const [olga] = await ctx.db.select().from(users).where(eq(users.email, 'olga@school.ru'));
    const stranger = await makeUser(ctx.db, { roles: ['trainer'] });
    const theirs = await createCohort(
      ctx.db,
      { name: 'Theirs', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      stranger.id,
    );
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/members/${olga!.id}/move`)
          .type('form')
          .send({ to: String(theirs) })
      ).status,
    ).toBe(422);
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/members/${olga!.id}/move`)
          .type('form')
          .send({ to: String(cohortId) })
      ).status,
    ).toBe(422);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/members/${olga!.id}/move`).type('form').send({ to: '99999' })).status).toBe(422);
    expect(
      await ctx.db
        .select()
        .from(cohortMembers)
        .where(and(eq(cohortMembers.userId, olga!.id), eq(cohortMembers.cohortId, cohortId))),
    ).toHaveLength(1);
    expect((await ctx.db.select().from(users).where(isNull(users.passwordHash))).length).toBeGreaterThan(0);
  });
});
