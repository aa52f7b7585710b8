import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cohortMembers, cohorts, reminderSends } from '../../server/db/schema.ts';
import { runReminders } from '../../server/reminders/job.ts';
import { isoWeek } from '../../server/reminders/rules.ts';
import { addLearner, at, complete, enableRules, sendsOf, useReminderSetup } from './fixtures.ts';

// The scheduled run against a real SMTP server. The cohort starts 2026-03-01 and is due 2026-04-30.

const { setup, smtp } = useReminderSetup();

describe('runReminders: each rule once per period', () => {
  it('not_started: N days after the start, once, with progress, due date, dashboard and unsubscribe links', async () => {
    const { ctx, deps, cohortId, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['not_started'], 5);
    const idle = await addLearner(ctx.db, cohortId, { name: 'Ida Idle' });
    const busy = await addLearner(ctx.db, cohortId, { name: 'Bea Busy' });
    await complete(ctx.db, busy.id, modules.slice(0, 1), 'in_progress');

    expect((await runReminders(deps, at('2026-03-05'))).sent).toBe(0); // 4 days: too early
    const first = await runReminders(deps, at('2026-03-06'));
    expect(first.sent).toBe(1);
    const [mail] = smtp()!.to(idle.email);
    expect(mail!.subject).toContain('Time to start: Spring cohort');
    expect(mail!.text).toContain(`0 of ${modules.length} modules completed`);
    expect(mail!.text).toContain('30 April 2026');
    expect(mail!.text).toContain(`${ctx.config.baseUrl}/dashboard`);
    expect(mail!.text).toMatch(new RegExp(`${ctx.config.baseUrl}/reminders/unsubscribe/[A-Za-z0-9_-]{22}`));
    expect(JSON.stringify(mail!.headers.get('list'))).toContain('/reminders/unsubscribe/');
    expect(smtp()!.to(busy.email)).toHaveLength(0);

    expect((await runReminders(deps, at('2026-03-06'))).sent).toBe(0);
    expect((await runReminders(deps, at('2026-03-20'))).sent).toBe(0);
    const sends = await sendsOf(ctx.db, cohortId);
    expect(sends.map((s) => [s.userId, s.kind, s.period, s.status])).toEqual([[idle.id, 'not_started', 'once', 'sent']]);
    expect(sends[0]!.detail).toMatchObject({ dueDate: '2026-04-30', completed: 0, total: modules.length });
  });

  it('behind: at most weekly, only for those well behind the pace', async () => {
    const { ctx, deps, cohortId, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['behind']);
    const late = await addLearner(ctx.db, cohortId);
    await complete(ctx.db, late.id, modules.slice(0, 1), 'in_progress');
    const onPace = await addLearner(ctx.db, cohortId);
    await complete(ctx.db, onPace.id, modules.slice(0, Math.ceil(modules.length * 0.6)));
    // 2026-04-01: a little over half the time has passed.
    expect((await runReminders(deps, at('2026-04-01'))).sent).toBe(1);
    expect((await runReminders(deps, at('2026-04-02'))).sent).toBe(0); // same ISO week
    expect((await runReminders(deps, at('2026-04-08'))).sent).toBe(1);
    const sends = await sendsOf(ctx.db, cohortId);
    expect(sends.map((s) => [s.userId, s.period])).toEqual([
      [late.id, isoWeek('2026-04-01')],
      [late.id, isoWeek('2026-04-08')],
    ]);
    expect(isoWeek('2026-04-01')).toBe('2026-W14');
    expect(smtp()!.to(onPace.email)).toHaveLength(0);
  });

  it('due_soon: 3 days and 1 day before the learner’s own due date (an extension counts)', async () => {
    const { ctx, deps, cohortId, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['due_soon']);
    const a = await addLearner(ctx.db, cohortId);
    const extended = await addLearner(ctx.db, cohortId, {}, { dueDate: '2026-05-20' });
    await complete(ctx.db, a.id, modules.slice(0, 1));
    expect((await runReminders(deps, at('2026-04-26'))).sent).toBe(0);
    expect((await runReminders(deps, at('2026-04-27'))).sent).toBe(1);
    expect((await runReminders(deps, at('2026-04-28'))).sent).toBe(0);
    expect((await runReminders(deps, at('2026-04-29'))).sent).toBe(1);
    expect((await runReminders(deps, at('2026-04-29'))).sent).toBe(0);
    expect((await sendsOf(ctx.db, cohortId)).map((s) => s.period)).toEqual(['2026-04-30/3d', '2026-04-30/1d']);
    expect(smtp()!.to(a.email)[0]!.subject).toBe('Spring cohort: due in 3 days');
    expect(smtp()!.to(a.email)[1]!.subject).toBe('Spring cohort: due in 1 day');
    expect(smtp()!.to(extended.email)).toHaveLength(0);
  });

  it('overdue: weekly after the due date', async () => {
    const { ctx, deps, cohortId } = await setup();
    await enableRules(ctx.db, cohortId, ['overdue']);
    const a = await addLearner(ctx.db, cohortId);
    expect((await runReminders(deps, at('2026-04-30'))).sent).toBe(0); // due today is not overdue
    expect((await runReminders(deps, at('2026-05-01'))).sent).toBe(1);
    expect((await runReminders(deps, at('2026-05-07'))).sent).toBe(0);
    expect((await runReminders(deps, at('2026-05-08'))).sent).toBe(1);
    expect((await sendsOf(ctx.db, cohortId, a.id)).map((s) => s.period)).toEqual(['2026-04-30/week-1', '2026-04-30/week-2']);
    expect(smtp()!.to(a.email)[0]!.subject).toBe('Spring cohort: your due date has passed');
  });
});

describe('runReminders: who gets nothing', () => {
  it('stops on completion, and skips the unsubscribed, the invited and archived cohorts', async () => {
    const { ctx, deps, cohortId, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['overdue', 'not_started']);
    const done = await addLearner(ctx.db, cohortId);
    await complete(ctx.db, done.id, modules);
    const off = await addLearner(ctx.db, cohortId);
    await ctx.db.update(cohortMembers).set({ remindersOffAt: 1 }).where(eq(cohortMembers.userId, off.id));
    await addLearner(ctx.db, cohortId, {}, { status: 'invited' });
    const late = await addLearner(ctx.db, cohortId);
    expect((await runReminders(deps, at('2026-05-02'))).sent).toBe(1);
    expect((await sendsOf(ctx.db, cohortId)).map((s) => s.userId)).toEqual([late.id]);
    // Completing stops the weekly overdue reminder.
    await complete(ctx.db, late.id, modules);
    expect((await runReminders(deps, at('2026-05-09'))).sent).toBe(0);
    // An archived cohort sends nothing at all.
    const other = await addLearner(ctx.db, cohortId);
    await ctx.db.update(cohorts).set({ archivedAt: 1 }).where(eq(cohorts.id, cohortId));
    expect((await runReminders(deps, at('2026-05-20'))).sent).toBe(0);
    expect(await sendsOf(ctx.db, cohortId, other.id)).toHaveLength(0);
  });

  it('never sends a claim left pending by a crash between claim and send', async () => {
    const { ctx, deps, cohortId } = await setup();
    await enableRules(ctx.db, cohortId, ['overdue']);
    const a = await addLearner(ctx.db, cohortId);
    await ctx.db.insert(reminderSends).values({ cohortId, userId: a.id, kind: 'overdue', period: '2026-04-30/week-1', detail: {}, createdAt: 1 });
    expect((await runReminders(deps, at('2026-05-02'))).sent).toBe(0);
    expect(smtp()!.messages).toHaveLength(0);
    expect((await sendsOf(ctx.db, cohortId))[0]!.status).toBe('pending');
  });

  it('without SMTP_URL sends nothing and claims nothing', async () => {
    const { ctx, deps, cohortId } = await setup({ smtp: false });
    await enableRules(ctx.db, cohortId, ['overdue', 'not_started', 'digest']);
    await addLearner(ctx.db, cohortId);
    expect(await runReminders(deps, at('2026-05-02'))).toMatchObject({ sent: 0, cohorts: 0 });
    expect(await ctx.db.select().from(reminderSends)).toHaveLength(0);
  });
});

describe('runReminders: catch-up after downtime', () => {
  it('sends one message per learner, the most urgent, and only the nearest due_soon', async () => {
    const { ctx, deps, cohortId, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['not_started', 'behind', 'due_soon', 'overdue']);
    const learners = [await addLearner(ctx.db, cohortId), await addLearner(ctx.db, cohortId)];
    await complete(ctx.db, learners[1]!.id, modules.slice(0, 1), 'in_progress');
    expect((await runReminders(deps, at('2026-03-02'))).sent).toBe(0);
    // Down for eight weeks: back one day before the due date.
    expect((await runReminders(deps, at('2026-04-29'))).sent).toBe(2);
    const sends = await sendsOf(ctx.db, cohortId);
    expect(sends.map((s) => [s.kind, s.period])).toEqual([
      ['due_soon', '2026-04-30/1d'],
      ['due_soon', '2026-04-30/1d'],
    ]);
    for (const l of learners) expect(smtp()!.to(l.email)).toHaveLength(1);
    // Weeks later: one overdue message each, not one per missed week.
    expect((await runReminders(deps, at('2026-05-27'))).sent).toBe(2);
    expect((await sendsOf(ctx.db, cohortId)).slice(2).map((s) => s.period)).toEqual(['2026-04-30/week-4', '2026-04-30/week-4']);
  });
});

describe('runReminders: language and digest', () => {
  it('writes to a Russian learner in Russian', async () => {
    const { ctx, deps, cohortId } = await setup();
    await enableRules(ctx.db, cohortId, ['overdue']);
    const ru = await addLearner(ctx.db, cohortId, { name: 'Анна', language: 'ru' });
    await runReminders(deps, at('2026-05-02'));
    const [mail] = smtp()!.to(ru.email);
    expect(mail!.subject).toBe('Spring cohort: срок прошёл');
    expect(mail!.text).toContain('Здравствуйте, Анна!');
    expect(mail!.text).toContain('30 апреля 2026');
    expect(mail!.text).toContain('Чтобы больше не получать напоминания');
  });

  it('sends each trainer a weekly digest with counts and names, once a week', async () => {
    const { ctx, deps, cohortId, trainer, modules } = await setup();
    await enableRules(ctx.db, cohortId, ['digest']);
    await addLearner(ctx.db, cohortId, { name: 'Nina Notstarted' });
    const behind = await addLearner(ctx.db, cohortId, { name: 'Boris Behind' });
    await complete(ctx.db, behind.id, modules.slice(0, 1), 'in_progress');
    const done = await addLearner(ctx.db, cohortId, { name: 'Dora Done' });
    await complete(ctx.db, done.id, modules);
    const first = await runReminders(deps, at('2026-04-10'));
    expect(first).toMatchObject({ digests: 1, sent: 0 });
    const [mail] = smtp()!.to(trainer.user.email);
    expect(mail!.subject).toBe('Weekly digest: Spring cohort');
    expect(mail!.text).toMatch(/Not started: 1\n- Nina Notstarted/);
    expect(mail!.text).toMatch(/Behind the pace: 1\n- Boris Behind/);
    expect(mail!.text).toContain('Overdue: 0');
    expect(mail!.text).not.toContain('Dora Done');
    expect(mail!.text).toContain(`${ctx.config.baseUrl}/cohorts/${cohortId}`);
    expect(mail!.text).not.toMatch(/review/i);
    expect((await runReminders(deps, at('2026-04-11'))).digests).toBe(0);
    expect((await runReminders(deps, at('2026-04-13'))).digests).toBe(1); // a new ISO week
    const [row] = await sendsOf(ctx.db, cohortId, trainer.user.id);
    expect(row).toMatchObject({ kind: 'digest', period: '2026-W15', status: 'sent', detail: { counts: { not_started: 1, behind: 1, overdue: 0 } } });
  });
});
