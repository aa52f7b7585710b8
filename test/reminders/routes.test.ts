import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { cohortMembers, cohorts, reminderRules, reminderSends } from '../../server/db/schema.ts';
import { runReminders } from '../../server/reminders/job.ts';
import { agent, userAgent } from '../helpers.ts';
import { addLearner, at, complete, enableRules, memberRow, sendsOf, useReminderSetup } from './fixtures.ts';

const { setup, smtp } = useReminderSetup();

describe('GET /cohorts/:id/reminders', () => {
  it('shows the rules with their defaults, and says whether mail is on', async () => {
    const { trainer, cohortId } = await setup();
    const res = await trainer.agent.get(`/cohorts/${cohortId}/reminders`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Reminders are checked regularly and sent by e-mail');
    expect(res.text).toMatch(/name="not_started_days"[^>]*value="7"/);
    expect(res.text).not.toMatch(/name="overdue" value="on"[^>]*checked/);
    expect(res.text).toContain('No reminders have been sent in this cohort yet.');
  });

  it('without SMTP_URL says reminders are off and why, and still saves rules', async () => {
    const { ctx, trainer, cohortId } = await setup({ smtp: false });
    const res = await trainer.agent.get(`/cohorts/${cohortId}/reminders`);
    expect(res.text).toContain('Reminders are off: this platform has no mail server configured');
    const saved = await trainer.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send({ overdue: 'on' });
    expect(saved.status).toBe(303);
    expect(await ctx.db.select().from(reminderRules)).toHaveLength(5);
  });

  it('answers 404 to another trainer, 403 to a teacher, 200 to an administrator', async () => {
    const { ctx, cohortId } = await setup({ smtp: false });
    const other = await userAgent(ctx, { roles: ['trainer'] });
    const teacher = await userAgent(ctx);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    expect((await other.agent.get(`/cohorts/${cohortId}/reminders`)).status).toBe(404);
    expect((await other.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send({ overdue: 'on' })).status).toBe(404);
    expect((await other.agent.post(`/cohorts/${cohortId}/reminders/send`).type('form').send({ users: '1' })).status).toBe(404);
    expect((await teacher.agent.get(`/cohorts/${cohortId}/reminders`)).status).toBe(403);
    expect((await admin.agent.get(`/cohorts/${cohortId}/reminders`)).status).toBe(200);
    expect(await ctx.db.select().from(reminderRules)).toHaveLength(0);
  });
});

describe('POST /cohorts/:id/reminders', () => {
  it('saves the rules a trainer switched on and their number', async () => {
    const { ctx, trainer, cohortId } = await setup({ smtp: false });
    const res = await trainer.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send({ not_started: 'on', not_started_days: '14', overdue: 'on' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/reminders?notice=saved`);
    const rows = await ctx.db.select().from(reminderRules).where(eq(reminderRules.cohortId, cohortId));
    expect(Object.fromEntries(rows.map((r) => [r.rule, [r.enabled, r.days]]))).toEqual({
      not_started: [true, 14],
      behind: [false, null],
      due_soon: [false, null],
      overdue: [true, null],
      digest: [false, null],
    });
    const page = await trainer.agent.get(res.headers.location!);
    expect(page.text).toContain('The rules are saved.');
    expect(page.text).toMatch(/name="not_started_days"[^>]*value="14"/);
    expect(page.text).toMatch(/name="overdue" value="on"[^>]*checked/);
  });

  it.each([['0'], ['91'], ['2.5'], ['seven']])('refuses %s days with 422 naming the field, writing nothing', async (days) => {
    const { ctx, trainer, cohortId } = await setup({ smtp: false });
    const res = await trainer.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send({ not_started: 'on', not_started_days: days });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a whole number of days from 1 to 90.');
    expect(res.text).toMatch(/id="f-not_started_days"[^>]*aria-invalid="true"/);
    expect(await ctx.db.select().from(reminderRules)).toHaveLength(0);
  });

  it('refuses a type-confused checkbox with 422', async () => {
    const { ctx, trainer, cohortId } = await setup({ smtp: false });
    const res = await trainer.agent.post(`/cohorts/${cohortId}/reminders`).type('form').send('overdue=on&overdue=on');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Tick the box or leave it empty.');
    expect(await ctx.db.select().from(reminderRules)).toHaveLength(0);
  });
});

describe('the sent log', () => {
  it('lists what was sent, to whom and why, newest first; manual ones say who sent them', async () => {
    const { ctx, deps, trainer, cohortId } = await setup();
    await enableRules(ctx.db, cohortId, ['overdue']);
    const a = await addLearner(ctx.db, cohortId, { name: 'Olga Overdue' });
    await runReminders(deps, at('2026-05-03'));
    await trainer.agent
      .post(`/cohorts/${cohortId}/reminders/send`)
      .type('form')
      .send({ users: String(a.id) });
    const res = await trainer.agent.get(`/cohorts/${cohortId}/reminders`);
    expect(res.status).toBe(200);
    const manualAt = res.text.indexOf('Sent by Tina Trainer.');
    const overdueAt = res.text.indexOf('Was due on 30 April 2026, 3 days ago.');
    expect(manualAt).toBeGreaterThan(0);
    expect(overdueAt).toBeGreaterThan(manualAt);
    expect(res.text).toContain('Olga Overdue');
    expect(res.text).toMatch(/0 of \d+ modules completed\./);
    expect(res.text).toContain('status-completed">Sent<');
    const ru = await trainer.agent.get(`/cohorts/${cohortId}/reminders?lang=ru`);
    expect(ru.text).toContain('Срок был 30 апреля 2026 г., 3 дня назад.');
  });
});

describe('POST /cohorts/:id/reminders/send (remind now)', () => {
  it('reminds the selected members, ignores outsiders, skips the unsubscribed and finished', async () => {
    const { ctx, trainer, cohortId, modules } = await setup();
    const a = await addLearner(ctx.db, cohortId);
    const done = await addLearner(ctx.db, cohortId);
    await complete(ctx.db, done.id, modules);
    const off = await addLearner(ctx.db, cohortId);
    await ctx.db.update(cohortMembers).set({ remindersOffAt: 1 }).where(eq(cohortMembers.userId, off.id));
    // A learner of another cohort (another trainer's, in the same database).
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    const [otherCohort] = await ctx.db
      .insert(cohorts)
      .values({ name: 'Other', startDate: '2026-03-01', createdBy: otherTrainer.user.id, createdAt: 1 })
      .returning({ id: cohorts.id });
    const outsider = await addLearner(ctx.db, otherCohort!.id);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/reminders/send`)
      .type('form')
      .send(`users=${a.id}&users=${done.id},${off.id}&users=${outsider.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}?notice=reminded&sent=1&skipped=2&failed=0`);
    expect((await sendsOf(ctx.db, cohortId)).map((s) => [s.userId, s.kind, s.sentBy, s.status])).toEqual([[a.id, 'manual', trainer.user.id, 'sent']]);
    const [mail] = smtp()!.to(a.email);
    expect(mail!.subject).toBe('A reminder from your trainer: Spring cohort');
    expect(mail!.text).toContain('Tina Trainer, your trainer in the cohort');
    expect(smtp()!.messages).toHaveLength(1);
    expect(await sendsOf(ctx.db, otherCohort!.id)).toHaveLength(0);
  });

  it('goes back to the learner page with back=learner and one learner; a second reminder is sent too', async () => {
    const { ctx, trainer, cohortId } = await setup();
    const a = await addLearner(ctx.db, cohortId);
    const first = await trainer.agent
      .post(`/cohorts/${cohortId}/reminders/send`)
      .type('form')
      .send({ users: String(a.id), back: 'learner' });
    expect(first.headers.location).toBe(`/cohorts/${cohortId}/learners/${a.id}?notice=reminded&sent=1&skipped=0&failed=0`);
    await trainer.agent
      .post(`/cohorts/${cohortId}/reminders/send`)
      .type('form')
      .send({ users: String(a.id) });
    expect(await sendsOf(ctx.db, cohortId, a.id)).toHaveLength(2);
  });

  it('without SMTP_URL answers 409 and writes nothing', async () => {
    const { ctx, trainer, cohortId } = await setup({ smtp: false });
    const a = await addLearner(ctx.db, cohortId);
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/reminders/send`)
      .type('form')
      .send({ users: String(a.id) });
    expect(res.status).toBe(409);
    expect(res.text).toContain('no mail server configured');
    expect(await ctx.db.select().from(reminderSends)).toHaveLength(0);
    expect((await memberRow(ctx.db, cohortId, a.id)).unsubscribeToken).toBeNull();
  });
});

describe('/reminders/unsubscribe/:token', () => {
  it('works signed out: GET only asks, POST switches reminders off and they stop', async () => {
    const { ctx, deps, app, cohortId } = await setup().then((s) => ({ ...s, app: s.ctx.app }));
    await enableRules(ctx.db, cohortId, ['overdue']);
    const a = await addLearner(ctx.db, cohortId);
    await runReminders(deps, at('2026-05-01'));
    const link = /\/reminders\/unsubscribe\/([A-Za-z0-9_-]+)/.exec(smtp()!.to(a.email)[0]!.text)!;
    const token = link[1]!;
    expect(token.length).toBeGreaterThanOrEqual(22);
    expect((await memberRow(ctx.db, cohortId, a.id)).unsubscribeToken).toBe(token);

    const page = await request(app).get(link[0]);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stop e-mail reminders from the cohort “Spring cohort”?');
    expect(page.text).toContain(`action="/reminders/unsubscribe/${token}"`);
    expect((await memberRow(ctx.db, cohortId, a.id)).remindersOffAt).toBeNull();

    const done = await agent(app).post(link[0]).type('form').send({});
    expect(done.status).toBe(200);
    expect(done.text).toContain('Reminders from the cohort “Spring cohort” are switched off.');
    expect((await memberRow(ctx.db, cohortId, a.id)).remindersOffAt).not.toBeNull();
    expect((await runReminders(deps, at('2026-05-09'))).sent).toBe(0);
  });

  it('answers 404 to an unknown token', async () => {
    const { ctx } = await setup({ smtp: false });
    const res = await request(ctx.app).get('/reminders/unsubscribe/AAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This unsubscribe link is not valid.');
    expect((await agent(ctx.app).post('/reminders/unsubscribe/nope')).status).toBe(404);
  });
});
