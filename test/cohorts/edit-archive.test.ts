import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember, memberStatus } from '../../server/cohorts/queries.ts';
import { cohortCourses, cohorts, enrolments } from '../../server/db/schema.ts';
import { makeUser, userAgent } from '../helpers.ts';
import { trainerWithCohort } from './fixtures.ts';

describe('GET/POST /cohorts/:id/edit', () => {
  it('shows the cohort’s values and saves changes, enrolling members in an added course', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    // Start with one course only, then add the second by editing.
    await ctx.db.delete(cohortCourses).where(and(eq(cohortCourses.cohortId, cohortId), eq(cohortCourses.courseId, courses[1]!.id)));
    const member = await makeUser(ctx.db);
    await addMember(ctx.db, cohortId, member.id);
    const form = await trainer.agent.get(`/cohorts/${cohortId}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`action="/cohorts/${cohortId}/edit"`);
    expect(form.text).toContain('value="Yakutsk spring"');
    expect(form.text).toContain('value="2026-01-10"');
    expect(form.text).toContain(`value="${courses[0]!.id}" checked`);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/edit`)
      .type('form')
      .send(`name=Yakutsk+autumn&courses=${courses[0]!.id}&courses=${courses[1]!.id}&startDate=2026-02-01&dueDate=2026-07-01&description=Changed`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}?notice=edited`);
    const [row] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(row).toMatchObject({ name: 'Yakutsk autumn', startDate: '2026-02-01', dueDate: '2026-07-01', description: 'Changed' });
    const ids = (await ctx.db.select().from(cohortCourses).where(eq(cohortCourses.cohortId, cohortId))).map((r) => r.courseId).sort();
    expect(ids).toEqual([courses[0]!.id, courses[1]!.id].sort());
    const enrolled = await ctx.db
      .select()
      .from(enrolments)
      .where(and(eq(enrolments.userId, member.id), eq(enrolments.courseId, courses[1]!.id)));
    expect(enrolled).toHaveLength(1);
    expect((await trainer.agent.get(res.headers.location)).text).toContain('The cohort was saved.');
  });

  it('refuses a due date before the start and an empty name, naming the fields (422, nothing written)', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/edit`)
      .type('form')
      .send(`name=&courses=${courses[0]!.id}&startDate=2026-05-01&dueDate=2026-04-01`);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="f-dueDate-error"');
    expect(res.text).toContain('The due date must be after the start date.');
    expect(res.text).toContain('id="f-name-error"');
    const bogus = await trainer.agent.post(`/cohorts/${cohortId}/edit`).type('form').send('name=X&courses=999999&startDate=2026-05-01');
    expect(bogus.status).toBe(422);
    const [row] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(row).toMatchObject({ name: 'Yakutsk spring', startDate: '2026-01-10', dueDate: null });
  });

  it('answers 404 to a trainer of another cohort', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const other = await userAgent(ctx, { roles: ['trainer'] });
    expect((await other.agent.get(`/cohorts/${cohortId}/edit`)).status).toBe(404);
    expect((await other.agent.post(`/cohorts/${cohortId}/edit`).type('form').send('name=Mine')).status).toBe(404);
    expect((await other.agent.post(`/cohorts/${cohortId}/archive`)).status).toBe(404);
    const [row] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(row).toMatchObject({ name: 'Yakutsk spring', archivedAt: null });
  });
});

describe('archiving a cohort', () => {
  it('asks first, then archives: the cohort leaves the list for the archived one and becomes read-only', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const member = await makeUser(ctx.db);
    await addMember(ctx.db, cohortId, member.id);
    const ask = await trainer.agent.get(`/cohorts/${cohortId}/archive`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Archive Yakutsk spring?');
    expect(ask.text).toContain(`<form method="post" action="/cohorts/${cohortId}/archive"`);
    const [before] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(before!.archivedAt).toBeNull();

    const res = await trainer.agent.post(`/cohorts/${cohortId}/archive`);
    expect(res.status).toBe(303);
    const [after] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(after!.archivedAt).toBeTypeOf('number');

    const list = await trainer.agent.get('/cohorts');
    expect(list.text).not.toContain('Yakutsk spring');
    expect(list.text).toContain('href="/cohorts?view=archived"');
    const archived = await trainer.agent.get('/cohorts?view=archived');
    expect(archived.text).toContain('Archived cohorts');
    expect(archived.text).toContain('Yakutsk spring');

    const page = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<span class="status status-archived">Archived</span>');
    expect(page.text).toContain('it is read-only');
    expect(page.text).not.toContain('id="bulk-form"');
    // Writes are refused while archived.
    const remove = await trainer.agent
      .post(`/cohorts/${cohortId}/learners/remove`)
      .type('form')
      .send({ users: String(member.id), confirmed: 'yes' });
    expect(remove.status).toBe(409);
    expect(await memberStatus(ctx.db, cohortId, member.id)).toBe('active');
    expect((await trainer.agent.post(`/cohorts/${cohortId}/edit`).type('form').send('name=X')).status).toBe(409);
    // Nor can anyone join it, get a fresh sign-in link or slip, or be reminded from it.
    const csv = 'email,name\nlate@example.org,Late Comer';
    expect((await trainer.agent.post(`/cohorts/${cohortId}/members`).type('form').send({ csv, action: 'confirm' })).status).toBe(409);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/links.csv`)).status).toBe(409);
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/slips.pdf`)
          .type('form')
          .send({ users: String(member.id) })
      ).status,
    ).toBe(409);
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/reminders/send`)
          .type('form')
          .send({ users: String(member.id) })
      ).status,
    ).toBe(409);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/members/${member.id}/remove`)).status).toBe(409);
    expect(await memberStatus(ctx.db, cohortId, member.id)).toBe('active');

    const back = await trainer.agent.post(`/cohorts/${cohortId}/unarchive`);
    expect(back.status).toBe(303);
    const [again] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, cohortId));
    expect(again!.archivedAt).toBeNull();
    expect((await trainer.agent.get('/cohorts')).text).toContain('Yakutsk spring');
  });
});
