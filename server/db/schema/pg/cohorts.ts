import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { MEMBER_STATUSES, REMINDER_KINDS, REMINDER_RULES, REMINDER_SEND_STATUSES, type ReminderDetail } from '../values.ts';
import { users } from './auth.ts';
import { courses } from './courses.ts';

// PostgreSQL mirror of ../cohorts.ts. Dates stay YYYY-MM-DD text, as in SQLite, so both
// engines hand feature code the same strings.

export const cohorts = pgTable('cohorts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  startDate: text('start_date').notNull(),
  dueDate: text('due_date'),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  // An archived cohort leaves the trainers' list and sends no reminders; its data stays.
  archivedAt: bigint('archived_at', { mode: 'number' }),
});

export const cohortCourses = pgTable(
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

export const cohortTrainers = pgTable(
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

export const cohortMembers = pgTable(
  'cohort_members',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: MEMBER_STATUSES }).notNull().default('active'),
    invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
    addedAt: bigint('added_at', { mode: 'number' }).notNull(),
    // A per-learner extension: this learner's due date instead of the cohort's (YYYY-MM-DD).
    dueDate: text('due_date'),
    // The learner said "no more reminders from this cohort" (through the link in a reminder).
    remindersOffAt: bigint('reminders_off_at', { mode: 'number' }),
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

export const reminderRules = pgTable(
  'reminder_rules',
  {
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    rule: text('rule', { enum: REMINDER_RULES }).notNull(),
    enabled: boolean('enabled').notNull().default(false),
    days: integer('days'),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.rule] })],
);

export const reminderSends = pgTable(
  'reminder_sends',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: REMINDER_KINDS }).notNull(),
    period: text('period').notNull(),
    detail: jsonb('detail').$type<ReminderDetail>().notNull(),
    status: text('status', { enum: REMINDER_SEND_STATUSES }).notNull().default('pending'),
    sentBy: integer('sent_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('reminder_sends_once_unique').on(t.cohortId, t.userId, t.kind, t.period), index('reminder_sends_cohort_idx').on(t.cohortId, t.createdAt)],
);
