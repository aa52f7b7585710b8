import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { asBoolean } from '../db/dialect.ts';
import {
  cohortMembers,
  cohorts,
  REMINDER_RULES,
  type ReminderDetail,
  type ReminderKind,
  type ReminderSendStatus,
  reminderRules,
  reminderSends,
  users,
} from '../db/schema.ts';
import { type CohortRules, DEFAULT_NOT_STARTED_DAYS, defaultRules } from './rules.ts';

// The reminders feature's database access: rules, the sent log, claims and unsubscribe tokens.
// The run's per-chunk aggregate lives in run-queries.ts.

export interface SentReminder {
  id: number;
  kind: ReminderKind;
  period: string;
  detail: ReminderDetail;
  status: ReminderSendStatus;
  createdAt: number;
  /** The trainer who sent a manual reminder (their name), else null. */
  sentBy: string | null;
}

/** What every view of a sent reminder shows. */
const SEND_COLUMNS = {
  id: reminderSends.id,
  kind: reminderSends.kind,
  period: reminderSends.period,
  detail: reminderSends.detail,
  status: reminderSends.status,
  createdAt: reminderSends.createdAt,
};

/** What was sent to one learner from one cohort, newest first (the per-learner page shows it). */
export async function remindersSentTo(db: Db, cohortId: number, userId: number): Promise<SentReminder[]> {
  const rows = await db
    .select({
      ...SEND_COLUMNS,
      sentBy: users.name,
    })
    .from(reminderSends)
    .leftJoin(users, eq(users.id, reminderSends.sentBy))
    .where(and(eq(reminderSends.cohortId, cohortId), eq(reminderSends.userId, userId)))
    .orderBy(desc(reminderSends.createdAt), desc(reminderSends.id))
    .limit(50);
  return rows.map((r) => ({ ...r, detail: r.detail ?? {} }));
}

/** A cohort's rules: rows where a trainer saved them, defaults (off) for the others. */
export async function loadRules(db: Db, cohortId: number): Promise<CohortRules> {
  const rules = defaultRules();
  const rows = await db.select().from(reminderRules).where(eq(reminderRules.cohortId, cohortId));
  for (const r of rows) rules[r.rule] = { enabled: r.enabled, days: r.rule === 'not_started' ? (r.days ?? DEFAULT_NOT_STARTED_DAYS) : null };
  return rules;
}

/** Saves every rule of a cohort at once (the form shows them all). */
export async function saveRules(db: Db, cohortId: number, rules: CohortRules, userId: number, now = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    for (const rule of REMINDER_RULES) {
      const { enabled, days } = rules[rule];
      await tx
        .insert(reminderRules)
        .values({ cohortId, rule, enabled, days, updatedBy: userId, updatedAt: now })
        .onConflictDoUpdate({ target: [reminderRules.cohortId, reminderRules.rule], set: { enabled, days, updatedBy: userId, updatedAt: now } });
    }
  });
}

export const LOG_PER_PAGE = 50;

/** One page of the cohort's sent log, newest first, with the recipient and (for manual ones) the sender. */
export async function sendLog(db: Db, cohortId: number, page: number) {
  const rows = await db
    .select({
      ...SEND_COLUMNS,
      toName: users.name,
      toEmail: users.email,
      toTrainer: asBoolean(sql`${reminderSends.kind} = 'digest'`),
      // The sender by a scalar subquery: users is joined already, as the recipient.
      sentBy: sql<string | null>`(SELECT s.name FROM users s WHERE s.id = ${reminderSends.sentBy})`,
    })
    .from(reminderSends)
    .innerJoin(users, eq(users.id, reminderSends.userId))
    .where(eq(reminderSends.cohortId, cohortId))
    .orderBy(desc(reminderSends.createdAt), desc(reminderSends.id))
    .limit(LOG_PER_PAGE)
    .offset((page - 1) * LOG_PER_PAGE);
  const [counted] = await db.select({ n: count() }).from(reminderSends).where(eq(reminderSends.cohortId, cohortId));
  return { rows: rows.map((r) => ({ ...r, detail: r.detail ?? {} })), total: counted?.n ?? 0 };
}

/** A membership by its unsubscribe token, with the cohort's name for the confirmation page. */
export async function findByUnsubscribeToken(db: Db, token: string) {
  const [row] = await db
    .select({ cohortId: cohortMembers.cohortId, userId: cohortMembers.userId, cohortName: cohorts.name, remindersOffAt: cohortMembers.remindersOffAt })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(eq(cohortMembers.unsubscribeToken, token))
    .limit(1);
  return row;
}

/** Switches reminders off for the membership holding this token (again is harmless: the first time stays). */
export async function switchRemindersOff(db: Db, token: string, now = Date.now()): Promise<void> {
  await db
    .update(cohortMembers)
    .set({ remindersOffAt: now })
    .where(and(eq(cohortMembers.unsubscribeToken, token), isNull(cohortMembers.remindersOffAt)));
}
