import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { courses } from './courses.ts';
import { MEMBER_STATUSES, REMINDER_KINDS, REMINDER_RULES, REMINDER_SEND_STATUSES, type ReminderDetail } from './values.ts';

export const cohorts = sqliteTable('cohorts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  startDate: text('start_date').notNull(), // YYYY-MM-DD
  dueDate: text('due_date'), // YYYY-MM-DD
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
  // An archived cohort leaves the trainers' list and sends no reminders; its data stays.
  archivedAt: integer('archived_at'),
});

export const cohortCourses = sqliteTable(
  'cohort_courses',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.courseId] })],
);

export const cohortTrainers = sqliteTable(
  'cohort_trainers',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index('cohort_trainers_user_idx').on(t.userId)],
);

export const cohortMembers = sqliteTable(
  'cohort_members',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // An existing account is invited and joins only when its owner accepts; until then its
    // trainers see "invited" and nothing else. Declined invitations stay, so a re-import does not re-invite.
    status: text('status', { enum: MEMBER_STATUSES }).notNull().default('active'),
    invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
    addedAt: integer('added_at').notNull(),
    // A per-learner extension: this learner's due date instead of the cohort's (YYYY-MM-DD).
    dueDate: text('due_date'),
    // The learner said "no more reminders from this cohort" (through the link in a reminder).
    remindersOffAt: integer('reminders_off_at'),
    // The secret in this member's unsubscribe link, made at the first reminder: the link works
    // without signing in and can only switch this member's reminders off.
    unsubscribeToken: text('unsubscribe_token'),
  },
  (t) => [
    primaryKey({ columns: [t.cohortId, t.userId] }),
    index('cohort_members_user_idx').on(t.userId),
    uniqueIndex('cohort_members_unsubscribe_unique').on(t.unsubscribeToken),
  ],
);

/** A reminder rule a trainer switched on or tuned for a cohort; a rule without a row is off, with its defaults. */
export const reminderRules = sqliteTable(
  'reminder_rules',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    rule: text('rule', { enum: REMINDER_RULES }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
    // The rule's number where it has one (not_started: days after the start).
    days: integer('days'),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.rule] })],
);

/**
 * Every reminder and digest the platform sent or tried to send, and why. The unique index is what
 * makes a rule send once per period: a run claims the row before it sends.
 */
export const reminderSends = sqliteTable(
  'reminder_sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    // The recipient: a learner, or a trainer for the digest.
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: REMINDER_KINDS }).notNull(),
    // Which occurrence of the rule, e.g. "once", "2026-12-01/3d", "week-2"; unique per message for manual ones.
    period: text('period').notNull(),
    detail: text('detail', { mode: 'json' }).$type<ReminderDetail>().notNull(),
    status: text('status', { enum: REMINDER_SEND_STATUSES }).notNull().default('pending'),
    sentBy: integer('sent_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('reminder_sends_once_unique').on(t.cohortId, t.userId, t.kind, t.period), index('reminder_sends_cohort_idx').on(t.cohortId, t.createdAt)],
);
