import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { cohorts } from './cohorts.ts';
import { courses, modules } from './courses.ts';
import { LIVE_SESSION_KINDS, RECOGNITION_STATUSES, SUBMISSION_STATUSES } from '../values.ts';

// PostgreSQL mirror of ../evidence.ts.

/**
 * An uploaded file: the bytes live in the file store (UPLOADS_PATH) under storage_key, never
 * in the web root. Deleting removes the bytes and keeps this row as a tombstone (deleted_at).
 */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    storageKey: text('storage_key').notNull(),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    deletedAt: bigint('deleted_at', { mode: 'number' }),
    deletedBy: integer('deleted_by').references(() => users.id),
  },
  (t) => [uniqueIndex('stored_files_key_unique').on(t.storageKey), index('stored_files_owner_idx').on(t.ownerId)],
);

/** One version of a teacher's artefact for a module's assignment; every version is kept. */
export const submissions = pgTable(
  'submissions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    version: integer('version').notNull(),
    text: text('text'),
    url: text('url'),
    fileId: integer('file_id').references(() => storedFiles.id),
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('waiting'),
    // The teacher chose to show this artefact in their credentials and shared portfolio.
    shared: boolean('shared').notNull().default(false),
    submittedAt: bigint('submitted_at', { mode: 'number' }).notNull(),
    submissionKey: text('submission_key'),
  },
  (t) => [
    uniqueIndex('submissions_version_unique').on(t.userId, t.moduleId, t.version),
    uniqueIndex('submissions_key_unique').on(t.userId, t.submissionKey),
    index('submissions_queue_idx').on(t.status, t.submittedAt),
    index('submissions_module_idx').on(t.moduleId),
  ],
);

/** A trainer's judgement of one submission against the module's rubric: one per submission. */
export const assessments = pgTable(
  'assessments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id),
    assessorId: integer('assessor_id')
      .notNull()
      .references(() => users.id),
    // criterion id -> points of the level chosen
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    total: integer('total').notNull(),
    passed: boolean('passed').notNull(),
    feedback: text('feedback').notNull().default(''),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('assessments_submission_unique').on(t.submissionId), index('assessments_assessor_idx').on(t.assessorId)],
);

/** A webinar, seminar or workshop a trainer ran for a cohort. */
export const liveSessions = pgTable(
  'live_sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: LIVE_SESSION_KINDS }).notNull(),
    title: text('title').notNull(),
    startsAt: bigint('starts_at', { mode: 'number' }).notNull(),
    minutes: integer('minutes').notNull(),
    competencies: jsonb('competencies').$type<string[]>().notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('live_sessions_cohort_idx').on(t.cohortId, t.startsAt)],
);

export const sessionAttendance = pgTable(
  'session_attendance',
  {
    sessionId: integer('session_id')
      .notNull()
      .references(() => liveSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    recordedBy: integer('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: bigint('recorded_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] }), index('session_attendance_user_idx').on(t.userId)],
);

/** Learning done elsewhere that a teacher asks to have recognised (RPL). */
export const recognitions = pgTable(
  'recognitions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider').notNull(),
    title: text('title').notNull(),
    minutes: integer('minutes').notNull(),
    completedOn: text('completed_on').notNull(), // YYYY-MM-DD
    url: text('url'),
    fileId: integer('file_id').references(() => storedFiles.id),
    competencies: jsonb('competencies').$type<string[]>().notNull(),
    status: text('status', { enum: RECOGNITION_STATUSES }).notNull().default('waiting'),
    reason: text('reason'),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: bigint('decided_at', { mode: 'number' }),
    submittedAt: bigint('submitted_at', { mode: 'number' }).notNull(),
    submissionKey: text('submission_key'),
  },
  (t) => [
    uniqueIndex('recognitions_key_unique').on(t.userId, t.submissionKey),
    index('recognitions_queue_idx').on(t.status, t.submittedAt),
    index('recognitions_user_idx').on(t.userId),
  ],
);
