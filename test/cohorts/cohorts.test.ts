import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { cohortsOfMember, createCohort } from '../../server/cohorts/queries.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts } from '../../server/db/schema.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { counts, trainerWithCohort, twoCourses, upload } from './fixtures.ts';

describe('GET /cohorts', () => {
  it('sends visitors to sign in', async () => {
    const { app } = await createTestApp();
    const res = await request(app).get('/cohorts');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fcohorts');
  });

  it('refuses teachers without the trainer role', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx);
    expect((await agent.get('/cohorts')).status).toBe(403);
    expect((await agent.post('/cohorts').type('form').send({ name: 'x' })).status).toBe(403);
  });

  it('lists only the cohorts the trainer is assigned to', async () => {
    const { ctx, trainer } = await trainerWithCohort();
    const other = await userAgent(ctx, { roles: ['trainer'] });
    await createCohort(
      ctx.db,
      { name: 'Someone else’s cohort', courses: [(await twoCourses(ctx.db))[0]!.id], startDate: '2026-02-01', dueDate: null, description: '' },
      other.user.id,
    );
    const res = await trainer.agent.get('/cohorts');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Yakutsk spring');
    expect(res.text).not.toContain('Someone else’s cohort');
    expect(res.text).toContain('1 cohort');
  });

  it('lists every cohort for an administrator', async () => {
    const { ctx } = await trainerWithCohort();
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const res = await admin.agent.get('/cohorts');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Yakutsk spring');
  });
});

describe('POST /cohorts', () => {
  it('creates a cohort with its courses and makes the creator its trainer', async () => {
    const ctx = await createTestApp();
    const { agent, user } = await userAgent(ctx, { roles: ['trainer'] });
    const [a, b] = await twoCourses(ctx.db);
    const res = await agent
      .post('/cohorts')
      .type('form')
      .send(`name=Tiksi+2026&courses=${a!.id}&courses=${b!.id}&startDate=2026-03-01&dueDate=2026-06-30&description=Arctic+schools`);
    expect(res.status).toBe(303);
    const id = Number(/^\/cohorts\/(\d+)$/.exec(res.headers.location)?.[1]);
    const [row] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, id));
    expect(row).toMatchObject({ name: 'Tiksi 2026', startDate: '2026-03-01', dueDate: '2026-06-30', description: 'Arctic schools', createdBy: user.id });
    const courseIds = (await ctx.db.select().from(cohortCourses).where(eq(cohortCourses.cohortId, id))).map((r) => r.courseId);
    expect(courseIds.sort()).toEqual([a!.id, b!.id].sort());
    expect(
      await ctx.db
        .select()
        .from(cohortTrainers)
        .where(and(eq(cohortTrainers.cohortId, id), eq(cohortTrainers.userId, user.id))),
    ).toHaveLength(1);
    const page = await agent.get(res.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Tiksi 2026</h1>');
  });

  it('re-renders the form with a message per field and the entered values (422)', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['trainer'] });
    const res = await agent.post('/cohorts').type('form').send({ name: '', startDate: '2026-13-40', dueDate: '', description: 'Keep <me>' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="f-name-error"');
    expect(res.text).toContain('Please fill this in.');
    expect(res.text).toContain('Choose at least one course.');
    expect(res.text).toContain('Enter a date as YYYY-MM-DD.');
    expect(res.text).toContain('Keep &lt;me&gt;</textarea>');
    expect(await ctx.db.select().from(cohorts)).toHaveLength(0);
  });

  it('refuses a due date before the start date, keeping the ticked courses', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['trainer'] });
    const [a] = await twoCourses(ctx.db);
    const res = await agent
      .post('/cohorts')
      .type('form')
      .send({ name: 'Late', courses: String(a!.id), startDate: '2026-05-01', dueDate: '2026-04-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The due date must be after the start date.');
    expect(res.text).toContain(`value="${a!.id}" checked`);
    expect(res.text).toContain('value="Late"');
  });

  it('refuses a course that is not in the catalogue', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['trainer'] });
    const res = await agent.post('/cohorts').type('form').send({ name: 'Ghost', courses: '9999', startDate: '2026-05-01' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose at least one course.');
  });

  it('answers an htmx request with the form fragment and redirects with HX-Redirect', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx, { roles: ['trainer'] });
    const bad = await agent.post('/cohorts').set('HX-Request', 'true').set('HX-Request-Type', 'partial').type('form').send({ name: '' });
    expect(bad.status).toBe(422);
    expect(bad.text.trim()).toMatch(/^<form[^>]+id="cohort-form"/);
    const [a] = await twoCourses(ctx.db);
    const ok = await agent
      .post('/cohorts')
      .set('HX-Request', 'true')
      .type('form')
      .send({ name: 'H', courses: String(a!.id), startDate: '2026-05-01' });
    expect(ok.status).toBe(204);
    expect(ok.headers['hx-redirect']).toMatch(/^\/cohorts\/\d+$/);
  });
});

describe('POST /cohorts/:id/trainers', () => {
  it('lets an administrator assign another trainer, who then sees the cohort', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const second = await userAgent(ctx, { roles: ['trainer'] });
    expect((await second.agent.get(`/cohorts/${cohortId}`)).status).toBe(404);
    const res = await admin.agent.post(`/cohorts/${cohortId}/trainers`).type('form').send({ email: second.user.email.toUpperCase() });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/members?notice=trainerAdded`);
    expect((await second.agent.get(`/cohorts/${cohortId}`)).status).toBe(200);
    expect((await second.agent.get('/cohorts')).text).toContain('Yakutsk spring');
  });

  it('refuses an email that does not belong to a trainer', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const teacher = await makeUser(ctx.db);
    const res = await admin.agent.post(`/cohorts/${cohortId}/trainers`).type('form').send({ email: teacher.email });
    expect(res.status).toBe(422);
    expect(res.text).toContain('No trainer has this email.');
    expect(await ctx.db.select().from(cohortTrainers).where(eq(cohortTrainers.userId, teacher.id))).toHaveLength(0);
  });

  it('is for administrators only', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const other = await makeUser(ctx.db, { roles: ['trainer'] });
    const res = await trainer.agent.post(`/cohorts/${cohortId}/trainers`).type('form').send({ email: other.email });
    expect(res.status).toBe(403);
  });
});

describe('access to /cohorts/:id and everything under it', () => {
  it('answers 404, as for a cohort that does not exist, to a trainer who is not assigned to it, on every route, and changes nothing', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort({ env: { SMTP_URL: 'smtp://mail.invalid:2525' } });
    await upload(trainer.agent, cohortId, 'email,name\nmember@example.org,Member\n', { action: 'confirm' });
    const [member] = await ctx.db.select().from(cohortMembers).where(eq(cohortMembers.cohortId, cohortId));
    const intruder = await userAgent(ctx, { roles: ['trainer'] });
    const theirs = await createCohort(
      ctx.db,
      { name: 'Theirs', courses: [(await twoCourses(ctx.db))[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      intruder.user.id,
    );
    const before = await counts(ctx.db, cohortId);
    const a = intruder.agent;
    const base = `/cohorts/${cohortId}`;
    const attempts = [
      ['GET', base, () => a.get(base)],
      ['GET', `${base}?page=2&sort=progress`, () => a.get(`${base}?page=2&sort=progress`)],
      ['GET', `${base}/members`, () => a.get(`${base}/members`)],
      ['POST', `${base}/members`, () => upload(a, cohortId, 'email\nsneaky@example.org\n', { action: 'confirm' })],
      ['POST', `${base}/members (pasted)`, () => a.post(`${base}/members`).type('form').send({ action: 'confirm', csv: 'email\nsneaky@example.org\n' })],
      ['POST', `${base}/members/errors.csv`, () => a.post(`${base}/members/errors.csv`).type('form').send({ csv: 'email\nbad\n' })],
      ['POST', `${base}/members/:userId/remove`, () => a.post(`${base}/members/${member!.userId}/remove`)],
      [
        'POST',
        `${base}/members/:userId/move`,
        () =>
          a
            .post(`${base}/members/${member!.userId}/move`)
            .type('form')
            .send({ to: String(theirs) }),
      ],
      ['GET', `${base}/progress.csv`, () => a.get(`${base}/progress.csv`)],
      ['GET', `${base}/progress.xlsx`, () => a.get(`${base}/progress.xlsx`)],
      ['POST', `${base}/links.csv`, () => a.post(`${base}/links.csv`)],
      ['POST', `${base}/links/send`, () => a.post(`${base}/links/send`)],
      ['POST', `${base}/trainers`, () => a.post(`${base}/trainers`).type('form').send({ email: intruder.user.email })],
    ] as const;
    for (const [method, path, send] of attempts) {
      const res = await send();
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.text, `${method} ${path}`).not.toContain('member@example.org');
    }
    expect(await counts(ctx.db, cohortId)).toEqual(before);
    expect(await ctx.db.select().from(cohortTrainers).where(eq(cohortTrainers.cohortId, cohortId))).toHaveLength(1);
  });

  it('answers 404 for a cohort that does not exist or a malformed id', async () => {
    const { trainer } = await trainerWithCohort();
    expect((await trainer.agent.get('/cohorts/999')).status).toBe(404);
    expect((await trainer.agent.get('/cohorts/abc/members')).status).toBe(404);
  });

  it('lets an administrator into any cohort', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const admin = await userAgent(ctx, { roles: ['admin'] });
    expect((await admin.agent.get(`/cohorts/${cohortId}`)).status).toBe(200);
    expect((await admin.agent.get(`/cohorts/${cohortId}/members`)).status).toBe(200);
  });
});

describe('cohortsOfMember', () => {
  it('returns the names and due dates of a teacher’s cohorts, soonest due first', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const course = (await twoCourses(ctx.db))[0]!.id;
    const later = await createCohort(
      ctx.db,
      { name: 'Autumn', courses: [course], startDate: '2026-09-01', dueDate: '2026-12-01', description: '' },
      trainer.user.id,
    );
    const sooner = await createCohort(
      ctx.db,
      { name: 'Summer', courses: [course], startDate: '2026-06-01', dueDate: '2026-07-01', description: '' },
      trainer.user.id,
    );
    const teacher = await makeUser(ctx.db);
    for (const id of [cohortId, later, sooner]) await ctx.db.insert(cohortMembers).values({ cohortId: id, userId: teacher.id, addedAt: 1 });
    expect(await cohortsOfMember(ctx.db, teacher.id)).toEqual([
      { id: sooner, name: 'Summer', dueDate: '2026-07-01' },
      { id: later, name: 'Autumn', dueDate: '2026-12-01' },
      { id: cohortId, name: 'Yakutsk spring', dueDate: null },
    ]);
    expect(await cohortsOfMember(ctx.db, trainer.user.id)).toEqual([]);
  });
});
