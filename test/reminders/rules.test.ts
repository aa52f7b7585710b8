import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { translator } from '../../server/http/i18n.ts';
import { compileView } from '../../server/http/templates.ts';
import type { SentReminder } from '../../server/reminders/queries.ts';
import { chooseRule, defaultRules, isoWeek, ruleOccurrence, situation } from '../../server/reminders/rules.ts';
import { ROOT } from '../helpers.ts';

const member = { completed: 0, touched: 0, total: 4, dueDate: '2026-04-30', startDate: '2026-03-01' };
const on = () => {
  const rules = defaultRules();
  for (const r of Object.values(rules)) r.enabled = true;
  return rules;
};

describe('isoWeek', () => {
  it.each([
    ['2026-12-01', '2026-W49'],
    ['2026-01-01', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-04-05', '2026-W14'],
    ['2026-04-06', '2026-W15'],
  ])('%s is %s', (day, week) => expect(isoWeek(day)).toBe(week));
});

describe('rule occurrences', () => {
  it('due_soon takes the nearest threshold not yet passed', () => {
    const s = { enabled: true, days: null };
    expect(ruleOccurrence('due_soon', member, '2026-04-26', s)).toBeNull();
    expect(ruleOccurrence('due_soon', member, '2026-04-27', s)).toBe('2026-04-30/3d');
    expect(ruleOccurrence('due_soon', member, '2026-04-28', s)).toBe('2026-04-30/3d');
    expect(ruleOccurrence('due_soon', member, '2026-04-29', s)).toBe('2026-04-30/1d');
    expect(ruleOccurrence('due_soon', member, '2026-04-30', s)).toBe('2026-04-30/1d');
    expect(ruleOccurrence('due_soon', member, '2026-05-01', s)).toBeNull();
  });

  it('behind needs a 25-point gap between elapsed time and completed share', () => {
    const s = { enabled: true, days: null };
    // 2026-03-31: 30 of 60 days (50%) elapsed.
    expect(ruleOccurrence('behind', { ...member, completed: 1, touched: 1 }, '2026-03-31', s)).toBe('2026-W14'); // 25% done
    expect(ruleOccurrence('behind', { ...member, completed: 2, touched: 2 }, '2026-03-31', s)).toBeNull(); // 50% done
    expect(ruleOccurrence('behind', { ...member, dueDate: null }, '2026-03-31', s)).toBeNull();
  });

  it('picks the most urgent rule, and nothing for the finished or an empty cohort', () => {
    expect(chooseRule(member, '2026-05-02', on())).toEqual({ rule: 'overdue', period: '2026-04-30/week-1' });
    expect(chooseRule(member, '2026-04-29', on())).toEqual({ rule: 'due_soon', period: '2026-04-30/1d' });
    expect(chooseRule(member, '2026-04-10', on())).toEqual({ rule: 'behind', period: '2026-W15' });
    expect(chooseRule(member, '2026-03-08', on())).toEqual({ rule: 'not_started', period: 'once' });
    expect(chooseRule(member, '2026-03-07', on())).toBeNull();
    expect(chooseRule({ ...member, completed: 4, touched: 4 }, '2026-05-02', on())).toBeNull();
    expect(chooseRule({ ...member, total: 0 }, '2026-05-02', on())).toBeNull();
    expect(chooseRule(member, '2026-05-02', defaultRules())).toBeNull();
    expect(situation(member, '2026-05-02')).toBe('overdue');
  });
});

describe('views/reminders/_sent-list.ejs', () => {
  const views = path.join(ROOT, 'views');
  const render = (sends: SentReminder[], lang: 'en' | 'ru' = 'en') =>
    compileView(path.join(views, 'reminders/_sent-list.ejs'), { root: views, cache: false })({
      sends,
      t: translator(lang),
      formatDate: (ms: number) => new Date(ms).toISOString().slice(0, 10),
    }) as string;

  it('lists each reminder with its rule, why in words and status', () => {
    const html = render([
      {
        id: 2,
        kind: 'manual',
        period: 'manual/1',
        detail: { completed: 1, total: 4, dueDate: '2026-04-30', daysLeft: 5 },
        status: 'failed',
        createdAt: Date.parse('2026-04-25'),
        sentBy: 'Tina <b>',
      },
      {
        id: 1,
        kind: 'due_soon',
        period: '2026-04-30/3d',
        detail: { completed: 1, total: 4, dueDate: '2026-04-30', daysLeft: 3 },
        status: 'sent',
        createdAt: Date.parse('2026-04-27'),
        sentBy: null,
      },
    ]);
    expect(html).toContain('Sent by Tina &lt;b&gt;.');
    expect(html).toContain('Not delivered');
    expect(html).toContain('Due soon');
    expect(html).toContain('in 3 days.');
    expect(html).toContain('1 of 4 modules completed.');
    expect(html).toContain('<th scope="col">Why</th>');
  });

  it('says when nothing was sent, in the reader’s language', () => {
    expect(render([], 'ru')).toContain('Этому слушателю напоминаний не отправляли.');
  });
});

describe('REMINDERS_EVERY_MS', () => {
  it('defaults to 15 minutes and refuses values that would hammer the database', () => {
    expect(loadConfig({}).remindersEveryMs).toBe(15 * 60 * 1000);
    expect(loadConfig({ REMINDERS_EVERY_MS: '60000' }).remindersEveryMs).toBe(60_000);
    expect(() => loadConfig({ REMINDERS_EVERY_MS: '5' })).toThrow(ConfigError);
  });
});
