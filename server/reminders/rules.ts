import type { ReminderDetail, ReminderRule } from '../db/schema.ts';

// When each rule fires and which occurrence ("period") a message belongs to: pure functions of
// dates and counts, so the run, the manual reminder and the tests share one definition.

export const DEFAULT_NOT_STARTED_DAYS = 7;
export const MIN_DAYS = 1;
export const MAX_DAYS = 90;
/**
 * "Behind": the completed share of modules trails the elapsed share of start→due by at least this
 * many percentage points. 25 leaves room for learners who work in bursts (a week off, then three
 * modules) while still catching someone at half time with a quarter done.
 */
export const BEHIND_MARGIN = 0.25;
/** due_soon thresholds in days before the due date, nearest last. */
export const DUE_SOON_DAYS = [3, 1] as const;

/** The learner rules, most urgent first: a run sends a learner only the first that applies. */
export const URGENCY: readonly Exclude<ReminderRule, 'digest'>[] = ['overdue', 'due_soon', 'behind', 'not_started'];

export interface RuleSettings {
  enabled: boolean;
  /** not_started only: days after the cohort's start. */
  days: number | null;
}
export type CohortRules = Record<ReminderRule, RuleSettings>;

export function defaultRules(): CohortRules {
  return {
    not_started: { enabled: false, days: DEFAULT_NOT_STARTED_DAYS },
    behind: { enabled: false, days: null },
    due_soon: { enabled: false, days: null },
    overdue: { enabled: false, days: null },
    digest: { enabled: false, days: null },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since the epoch of a YYYY-MM-DD date (UTC). */
export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** ISO 8601 week of a YYYY-MM-DD date, e.g. "2026-W49" (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  date.setUTCDate(date.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** What the run knows of one member: their counts among the cohort's modules and their dates. */
export interface MemberState {
  completed: number;
  /** Modules with any progress (viewed, tried or completed). */
  touched: number;
  total: number;
  /** The member's due date: their extension or the cohort's. */
  dueDate: string | null;
  startDate: string;
}

export type Situation = 'finished' | 'overdue' | 'due_soon' | 'behind' | 'not_started' | 'on_track';

export function isFinished(m: Pick<MemberState, 'completed' | 'total'>): boolean {
  return m.total > 0 && m.completed >= m.total;
}

function isBehind(m: MemberState, today: number): boolean {
  if (!m.dueDate || m.total === 0) return false;
  const start = dayNumber(m.startDate);
  const due = dayNumber(m.dueDate);
  if (due <= start || today <= start || today > due) return false;
  const elapsed = (today - start) / (due - start);
  return elapsed - m.completed / m.total >= BEHIND_MARGIN;
}

/** Does a rule apply to this member today, and for which period? null when it does not. */
export function ruleOccurrence(rule: Exclude<ReminderRule, 'digest'>, m: MemberState, todayIso: string, settings: RuleSettings): string | null {
  if (m.total === 0 || isFinished(m)) return null;
  const today = dayNumber(todayIso);
  const daysLeft = m.dueDate ? dayNumber(m.dueDate) - today : null;
  switch (rule) {
    case 'overdue':
      // Week 1 is the first seven days after the due date, and so on: one message per week.
      return daysLeft !== null && daysLeft < 0 ? `${m.dueDate}/week-${Math.floor((-daysLeft - 1) / 7) + 1}` : null;
    case 'due_soon':
      // The nearest threshold not yet passed: after a pause, "1 day" replaces a missed "3 days".
      if (daysLeft === null || daysLeft < 0 || daysLeft > DUE_SOON_DAYS[0]) return null;
      return `${m.dueDate}/${daysLeft <= DUE_SOON_DAYS[1] ? DUE_SOON_DAYS[1] : DUE_SOON_DAYS[0]}d`;
    case 'behind':
      return isBehind(m, today) ? isoWeek(todayIso) : null;
    case 'not_started':
      return m.touched === 0 && today - dayNumber(m.startDate) >= (settings.days ?? DEFAULT_NOT_STARTED_DAYS) ? 'once' : null;
  }
}

/** The most urgent enabled rule that applies, with its period; null when none does. */
export function chooseRule(m: MemberState, todayIso: string, rules: CohortRules): { rule: Exclude<ReminderRule, 'digest'>; period: string } | null {
  for (const rule of URGENCY) {
    if (!rules[rule].enabled) continue;
    const period = ruleOccurrence(rule, m, todayIso, rules[rule]);
    if (period) return { rule, period };
  }
  return null;
}

/**
 * Where a member stands for the trainers' digest, whatever rules are on. Overdue first, then not
 * started (more telling to a trainer than "behind", which a learner who never began also is).
 */
export function situation(m: MemberState, todayIso: string): Situation {
  if (m.total === 0) return 'on_track';
  if (isFinished(m)) return 'finished';
  const today = dayNumber(todayIso);
  if (m.dueDate && today > dayNumber(m.dueDate)) return 'overdue';
  if (m.touched === 0 && today >= dayNumber(m.startDate)) return 'not_started';
  if (isBehind(m, today)) return 'behind';
  return 'on_track';
}

/** What a learner's reminder records and shows: progress and the due date as of today. */
export function learnerDetail(m: MemberState, todayIso: string): ReminderDetail {
  return {
    dueDate: m.dueDate,
    ...(m.dueDate ? { daysLeft: dayNumber(m.dueDate) - dayNumber(todayIso) } : {}),
    completed: m.completed,
    total: m.total,
  };
}
