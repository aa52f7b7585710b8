import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCohort } from '../../server/cohorts/queries.ts';
import { cohorts, liveSessions } from '../../server/db/schema.ts';
import { userAgent } from '../helpers.ts';
import { cohortWithMembers, createSessionVia, FORM_START, saveChecklist, sessionCount, sessionForm } from './fixtures.ts';

describe('POST /cohorts/:id/sessions', () => {
  it('creates a session with its start read in the server time zone, then lists it newest first', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const older = await createSessionVia(trainer.agent, cohortId, { title: 'Opening seminar', kind: 'seminar', date: '2026-02-01' });
    const id = await createSessionVia(trainer.agent, cohortId);
    const [row] = await ctx.db.select().from(liveSessions).where(eq(liveSessions.id, id));
    expect(row).toMatchObject({
      cohortId,
      kind: 'webinar',
      title: 'Digital storytelling',
      startsAt: FORM_START,
      minutes: 90,
      competencies: ['KD.2', 'KC.3'],
      createdBy: trainer.user.id,
    });
    const page = await trainer.agent.get(`/cohorts/${cohortId}/sessions`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page"');
    expect(page.text).toContain(`Dates and times are in the server&#39;s time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}.`);
    const rows = [...page.text.matchAll(/<tr data-session="(\d+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => Number(r[1]))).toEqual([id, older]);
    expect(rows[0]![2]).toContain('Webinar');
    expect(rows[0]![2]).toContain('90 minutes');
    expect(rows[0]![2]).toContain('href="/framework/KD.2"');
    expect(rows[0]![2]).toContain('0 of 3');
    expect(rows[1]![2]).toContain('Seminar');
  });

  it('does not create the same session twice when the form is sent again', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const first = await createSessionVia(trainer.agent, cohortId);
    expect(await createSessionVia(trainer.agent, cohortId)).toBe(first);
    expect(await sessionCount(ctx.db)).toBe(1);
  });

  it('shows the date in Russian for a Russian reader', async () => {
    const { trainer, cohortId } = await cohortWithMembers();
    await createSessionVia(trainer.agent, cohortId);
    const page = await trainer.agent.get(`/cohorts/${cohortId}/sessions?lang=ru`);
    expect(page.text).toContain('10 марта 2026');
    expect(page.text).toContain('Вебинар');
    expect(page.text).toContain('90 минут');
  });

  const invalid: [string, Record<string, string | string[]>, string, string][] = [
    ['kind', { kind: 'lecture' }, 'kind', 'Choose webinar, seminar or workshop.'],
    ['a short title', { title: 'ab' }, 'title', 'at least 3 characters'],
    ['a long title', { title: 'x'.repeat(201) }, 'title', 'at most 200 characters'],
    ['a missing date', { date: '' }, 'date', 'Enter the date of the session.'],
    ['an impossible date', { date: '2026-02-30' }, 'date', 'Enter a real date'],
    ['a malformed time', { time: '25:99' }, 'time', 'Enter a start time that exists'],
    ['too few minutes', { minutes: '5' }, 'minutes', 'from 10 to 600'],
    ['too many minutes', { minutes: '601' }, 'minutes', 'from 10 to 600'],
    ['minutes that are not a number', { minutes: '1e2' }, 'minutes', 'from 10 to 600'],
    ['no competency', { competencies: [] }, 'competencies', 'Tick at least one'],
    ['an unknown competency', { competencies: ['KD.2', 'XX.9'] }, 'competencies', 'Tick at least one'],
  ];
  for (const [what, overrides, field, message] of invalid) {
    it(`refuses ${what} with 422, the field's message, and nothing written`, async () => {
      const { ctx, trainer, cohortId } = await cohortWithMembers();
      const res = await trainer.agent.post(`/cohorts/${cohortId}/sessions`).type('form').send(sessionForm(overrides));
      expect(res.status).toBe(422);
      expect(res.text).toContain(`id="s-${field}-error"`);
      expect(res.text).toContain(message);
      // A group of checkboxes points at its message from the fieldset instead.
      if (field !== 'competencies') expect(res.text).toMatch(new RegExp(`id="s-${field}"[^>]*aria-invalid="true"`));
      expect(await sessionCount(ctx.db)).toBe(0);
    });
  }

  it('keeps what was typed beside the errors', async () => {
    const { trainer, cohortId } = await cohortWithMembers();
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/sessions`)
      .type('form')
      .send(sessionForm({ title: 'Typed & kept', minutes: '5' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="Typed &amp; kept"');
    expect(res.text).toMatch(/value="KD.2" checked/);
  });

  it('answers 422, never 500, to type-confused input', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const res = await trainer.agent.post(`/cohorts/${cohortId}/sessions`).send({ kind: ['webinar'], title: { a: 1 }, minutes: 60, competencies: 'KD.2' });
    expect(res.status).toBe(422);
    expect(await sessionCount(ctx.db)).toBe(0);
  });
});

describe('who may see and change sessions', () => {
  it('answers 404 to another trainer, 403 to a teacher, and lets an administrator in', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const other = await userAgent(ctx, { roles: ['trainer'] });
    const teacher = await userAgent(ctx);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    for (const url of [`/cohorts/${cohortId}/sessions`, `/cohorts/${cohortId}/sessions/${id}`]) {
      expect((await other.agent.get(url)).status).toBe(404);
      expect((await teacher.agent.get(url)).status).toBe(403);
      expect((await admin.agent.get(url)).status).toBe(200);
    }
    expect(
      (
        await other.agent
          .post(`/cohorts/${cohortId}/sessions`)
          .type('form')
          .send(sessionForm({ title: 'Intruder' }))
      ).status,
    ).toBe(404);
    expect(
      (
        await other.agent
          .post(`/cohorts/${cohortId}/sessions/${id}`)
          .type('form')
          .send(sessionForm({ title: 'Renamed' }))
      ).status,
    ).toBe(404);
    expect((await teacher.agent.post(`/cohorts/${cohortId}/sessions/${id}/attendance`).type('form').send({ listed: '' })).status).toBe(403);
    expect(await sessionCount(ctx.db)).toBe(1);
    const adminMade = await createSessionVia(admin.agent, cohortId, { title: 'By the administrator' });
    expect(adminMade).toBeGreaterThan(id);
  });

  it('answers 404 for a session of another cohort, even one the trainer runs', async () => {
    const { ctx, trainer, cohortId, courses } = await cohortWithMembers();
    const second = await createCohort(
      ctx.db,
      { name: 'Second', courses: [courses[0]!.id], startDate: '2026-01-10', dueDate: null, description: '' },
      trainer.user.id,
    );
    const id = await createSessionVia(trainer.agent, second);
    expect((await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}`)).status).toBe(404);
    expect((await trainer.agent.post(`/cohorts/${cohortId}/sessions/${id}/attendance`).type('form').send({ listed: '' })).status).toBe(404);
    expect((await trainer.agent.get(`/cohorts/${cohortId}/sessions/nope`)).status).toBe(404);
  });

  it('keeps an archived cohort read-only: 409 for every write, the pages still show', async () => {
    const { ctx, trainer, cohortId, anna } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    await ctx.db.update(cohorts).set({ archivedAt: Date.now() }).where(eq(cohorts.id, cohortId));
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/sessions`)
          .type('form')
          .send(sessionForm({ title: 'Late one' }))
      ).status,
    ).toBe(409);
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/sessions/${id}`)
          .type('form')
          .send(sessionForm({ title: 'Renamed' }))
      ).status,
    ).toBe(409);
    expect((await saveChecklist(trainer.agent, cohortId, id, [anna.id], [anna.id])).status).toBe(409);
    expect(
      (await trainer.agent.post(`/cohorts/${cohortId}/sessions/${id}/attendance/file`).attach('file', Buffer.from('Email\nx@y.z\n'), 'a.csv')).status,
    ).toBe(409);
    expect(await sessionCount(ctx.db)).toBe(1);
    const page = await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="session-form"');
    expect(page.text).toContain('Anna Ivanova');
  });
});

describe('POST /cohorts/:id/sessions/:sessionId (edit)', () => {
  it('saves a change', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/sessions/${id}`)
      .type('form')
      .send(sessionForm({ title: 'Renamed', kind: 'workshop', competencies: ['KA.1'] }));
    expect(res.status).toBe(303);
    const [row] = await ctx.db.select().from(liveSessions).where(eq(liveSessions.id, id));
    expect(row).toMatchObject({ title: 'Renamed', kind: 'workshop', competencies: ['KA.1'] });
    expect((await trainer.agent.get(res.headers.location!)).text).toContain('The changes were saved.');
  });

  it('refuses with 422 to change the competencies or the start once attendance is recorded, but allows the title', async () => {
    const { ctx, trainer, cohortId, anna } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    expect((await saveChecklist(trainer.agent, cohortId, id, [anna.id], [anna.id])).status).toBe(303);
    const show = await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}`);
    expect(show.text).toContain('id="s-locked"');
    const competencies = await trainer.agent
      .post(`/cohorts/${cohortId}/sessions/${id}`)
      .type('form')
      .send(sessionForm({ competencies: ['KA.1'] }));
    expect(competencies.status).toBe(422);
    expect(competencies.text).toContain('The competencies cannot change: attendance is recorded');
    const start = await trainer.agent
      .post(`/cohorts/${cohortId}/sessions/${id}`)
      .type('form')
      .send(sessionForm({ time: '15:00' }));
    expect(start.status).toBe(422);
    expect(start.text).toContain('The date and start time cannot change');
    const [row] = await ctx.db.select().from(liveSessions).where(eq(liveSessions.id, id));
    expect(row).toMatchObject({ competencies: ['KD.2', 'KC.3'], startsAt: FORM_START });
    expect(
      (
        await trainer.agent
          .post(`/cohorts/${cohortId}/sessions/${id}`)
          .type('form')
          .send(sessionForm({ title: 'Better title' }))
      ).status,
    ).toBe(303);
  });
});

describe('type-confused input on every sessions route', () => {
  it('never answers 5xx and writes nothing', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const fields = ['kind', 'title', 'date', 'time', 'minutes', 'competencies', 'present', 'listed', 'csv', 'action', 'filename'];
    const bodies = [
      Object.fromEntries(fields.map((f) => [f, { toString: 1 }])),
      Object.fromEntries(fields.map((f) => [f, ['a', 'b']])),
      Object.fromEntries(fields.map((f) => [f, 12345])),
      Object.fromEntries(fields.map((f) => [f, null])),
      ['not', 'an', 'object'],
    ];
    const urls = [
      `/cohorts/${cohortId}/sessions`,
      `/cohorts/${cohortId}/sessions/${id}`,
      `/cohorts/${cohortId}/sessions/${id}/attendance`,
      `/cohorts/${cohortId}/sessions/${id}/attendance/file`,
    ];
    const statuses: number[] = [];
    for (const url of urls) {
      for (const body of bodies) statuses.push((await trainer.agent.post(url).set('Content-Type', 'application/json').send(JSON.stringify(body))).status);
      statuses.push(
        (
          await trainer.agent
            .post(url)
            .type('form')
            .send(fields.map((f) => `${f}=1&${f}=2`).join('&'))
        ).status,
      );
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s < 400)).toEqual([]);
    expect(await sessionCount(ctx.db)).toBe(1);
    expect((await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}?notice=${encodeURIComponent('{"a":1}')}&added=-1`)).status).toBe(200);
  });
});
