import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ENROLMENT_STATUSES, EVIDENCE_KINDS, PLACE_COUNTERS, PROGRESS_STATUSES } from '../values.ts';
import { users } from './auth.ts';
import { courses, modules } from './courses.ts';

// PostgreSQL mirror of ../learning.ts.

export const enrolments = pgTable(
  'enrolments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    status: text('status', { enum: ENROLMENT_STATUSES }).notNull().default('active'),
    enrolledAt: bigint('enrolled_at', { mode: 'number' }).notNull(),
    completedAt: bigint('completed_at', { mode: 'number' }),
    lastActivityAt: bigint('last_activity_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('enrolments_user_course_unique').on(t.userId, t.courseId), index('enrolments_course_idx').on(t.courseId)],
);

export const moduleProgress = pgTable(
  'module_progress',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    status: text('status', { enum: PROGRESS_STATUSES }).notNull(),
    bestScore: integer('best_score'),
    quizPassed: boolean('quiz_passed').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    firstViewedAt: bigint('first_viewed_at', { mode: 'number' }).notNull(),
    completedAt: bigint('completed_at', { mode: 'number' }),
    lastActivityAt: bigint('last_activity_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleId] }), index('module_progress_module_idx').on(t.moduleId)],
);

export const quizAttempts = pgTable(
  'quiz_attempts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    answers: jsonb('answers').$type<Record<string, string[]>>().notNull(),
    score: integer('score').notNull(),
    passed: boolean('passed').notNull(),
    startedAt: bigint('started_at', { mode: 'number' }),
    submittedAt: bigint('submitted_at', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [index('quiz_attempts_user_module_idx').on(t.userId, t.moduleId), uniqueIndex('quiz_attempts_user_key_idx').on(t.userId, t.idempotencyKey)],
);

export const competencyEvidence = pgTable(
  'competency_evidence',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    competency: text('competency').notNull(),
    kind: text('kind', { enum: EVIDENCE_KINDS }).notNull().default('quiz'),
    moduleId: integer('module_id').references(() => modules.id),
    courseId: integer('course_id').references(() => courses.id),
    source: text('source').notNull(),
    assessorId: integer('assessor_id').references(() => users.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('competency_evidence_source_unique').on(t.userId, t.competency, t.source),
    index('competency_evidence_competency_idx').on(t.competency, t.userId, t.createdAt, t.kind),
    index('competency_evidence_user_idx').on(t.userId, t.competency, t.createdAt, t.moduleId, t.kind),
  ],
);

export const competencyStandings = pgTable(
  'competency_standings',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    quiz: integer('quiz').notNull().default(0),
    assessed: integer('assessed').notNull().default(0),
    participation: integer('participation').notNull().default(0),
    recognised: integer('recognised').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId] })],
);

export const placeCounts = pgTable(
  'place_counts',
  {
    organisationId: integer('organisation_id').notNull().default(0),
    country: text('country').notNull(),
    region: text('region').notNull(),
    school: text('school').notNull(),
    teachers: integer('teachers').notNull().default(0),
    ...Object.fromEntries(PLACE_COUNTERS.map((name) => [name, integer(name).notNull().default(0)])),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.country, t.region, t.school] })],
);

export const learningRecords = pgTable(
  'learning_records',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    verb: text('verb').notNull(),
    courseId: integer('course_id'),
    moduleId: integer('module_id'),
    statement: jsonb('statement').$type<Record<string, unknown>>().notNull(),
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
  },
  (t) => [index('learning_records_user_idx').on(t.userId, t.timestamp), index('learning_records_time_idx').on(t.timestamp)],
);
