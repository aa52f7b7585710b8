import { describe, expect, it } from 'vitest';
import { addMember, createCohort, inviteMember } from '../../server/cohorts/queries.ts';
import { certificates, quizAttempts, reminderSends } from '../../server/db/schema.ts';
import { makeUser, userAgent } from '../helpers.ts';
import { storyCohort, T0, WITH_MAIL } from './story-fixtures.ts';

describe('GET /cohorts/:id/learners/:userId', () => {
  it('shows the learner, their due date, progress per course and module, quizzes, certificates and reminders sent', async () => {
    const { ctx, trainer, cohortId, courses, boris } = await storyCohort(WITH_MAIL);
    const [first, second] = courses[0]!.modules;
    await ctx.db.insert(quizAttempts).values([
      { userId: boris.id, moduleId: second!.id, answers: {}, score: 40, passed: false, submittedAt: T0 },
      { userId: boris.id, moduleId: second!.id, answers: {}, score: 70, passed: false, submittedAt: Date.UTC(2026, 2, 4, 12) },
    ]);
    await ctx.db.insert(certificates).values({
      code: 'BORIS-CERT',
      userId: boris.id,
      courseId: courses[1]!.id,
      learnerName: 'x',
      courseTitle: 'x',
      courseLanguage: 'en',
      hours: 1,
      competencies: [],
      issuerName: 'x',
      issuedAt: T0,
    });
    await ctx.db
      .insert(reminderSends)
      .values({ cohortId, userId: boris.id, kind: 'manual', period: 'manual/1', detail: {}, status: 'sent', sentBy: trainer.user.id, createdAt: T0 });
    const res = await trainer.agent.get(`/cohorts/${cohortId}/learners/${boris.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Boris Petrov</h1>');
    expect(res.text).toContain('boris@south.org');
    expect(res.text).toContain('North School');
    // The cohort's date has passed and Boris has no extension: overdue, on the cohort's date.
    expect(res.text).toMatch(/1 February 2026\s*<span class="small muted">the cohort(&#39;|')s due date<\/span>/);
    expect(res.text).toContain('<span class="status status-overdue">');
    const row = (m: { id: number; title: string }) => {
      const start = res.text.indexOf(`${m.title}</th>`);
      return res.text.slice(start, res.text.indexOf('</tr>', start));
    };
    expect(row(first!)).toContain('status-completed');
    expect(row(first!)).toContain('1 March 2026');
    expect(row(second!)).toContain('status-not_started');
    expect(row(second!)).toMatch(/<td class="num">2<\/td>\s*<td class="num">70%<\/td>\s*<td>4 March 2026<\/td>/);
    expect(res.text).toContain('href="/certificates/BORIS-CERT"');
    expect(res.text).toContain('Sent by a trainer');
    // Remind now goes to the reminders route and comes back here.
    expect(res.text).toContain(`<form method="post" action="/cohorts/${cohortId}/reminders/send"`);
    expect(res.text).toContain(`<input type="hidden" name="users" value="${boris.id}">`);
    expect(res.text).toContain('<input type="hidden" name="back" value="learner">');
    expect(res.text).toContain(`action="/cohorts/${cohortId}/learners/${boris.id}/extension"`);
    expect(res.text).toContain(`action="/cohorts/${cohortId}/learners/remove"`);
  });

  it('says when the due date is an extension, and shows the reminder notice with its counts', async () => {
    const { trainer, cohortId, dana } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}/learners/${dana.id}?notice=reminded&sent=1&skipped=0&failed=0`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('31 December 2999');
    expect(res.text).toMatch(/extension \(the cohort(&#39;|')s due date is 1 February 2026\)/);
    expect(res.text).toContain('Reminders sent: 1. Skipped (unsubscribed or finished): 0. Failed: 0.');
    expect(res.text).toContain('<span class="status status-in_progress">');
    // Without a mail server there is no "remind now", and the page says why.
    expect(res.text).not.toContain('/reminders/send');
    expect(res.text).toContain('Reminders are off: the platform has no mail server');
    const unknown = await trainer.agent.get(`/cohorts/${cohortId}/learners/${dana.id}?notice=<b>hi</b>`);
    expect(unknown.text).not.toContain('&lt;b&gt;hi');
  });

  it('answers 404 for a non-member, an invited person, another cohort’s learner and a bad id', async () => {
    const { ctx, trainer, cohortId, courses } = await storyCohort();
    const stranger = await makeUser(ctx.db);
    const invited = await makeUser(ctx.db);
    await inviteMember(ctx.db, cohortId, invited.id, trainer.user.id);
    const other = await createCohort(
      ctx.db,
      { name: 'Mine too', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    const elsewhere = await makeUser(ctx.db);
    await addMember(ctx.db, other, elsewhere.id);
    for (const id of [stranger.id, invited.id, elsewhere.id, 'abc', 0, 99999999]) {
      expect((await trainer.agent.get(`/cohorts/${cohortId}/learners/${id}`)).status, String(id)).toBe(404);
    }
    // The learner of the other cohort has a page there.
    expect((await trainer.agent.get(`/cohorts/${other}/learners/${elsewhere.id}`)).status).toBe(200);
  });

  it('answers 404 to a trainer of another cohort and 200 to an administrator', async () => {
    const { ctx, cohortId, ada } = await storyCohort();
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    expect((await otherTrainer.agent.get(`/cohorts/${cohortId}/learners/${ada.id}`)).status).toBe(404);
    const teacher = await userAgent(ctx);
    expect((await teacher.agent.get(`/cohorts/${cohortId}/learners/${ada.id}`)).status).toBe(403);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const res = await admin.agent.get(`/cohorts/${cohortId}/learners/${ada.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<span class="status status-done">');
  });
});
