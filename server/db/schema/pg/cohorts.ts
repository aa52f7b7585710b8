import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { MEMBER_STATUSES } from '../values.ts';
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
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index('cohort_members_user_idx').on(t.userId)],
);
