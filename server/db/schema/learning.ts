import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { courses, modules } from './courses.ts';
import { ENROLMENT_STATUSES, EVIDENCE_KINDS, PLACE_COUNTERS, PROGRESS_STATUSES } from './values.ts';

export const enrolments = sqliteTable(
  'enrolments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    status: text('status', { enum: ENROLMENT_STATUSES }).notNull().default('active'),
    enrolledAt: integer('enrolled_at').notNull(),
    completedAt: integer('completed_at'),
    lastActivityAt: integer('last_activity_at').notNull(),
  },
  (t) => [uniqueIndex('enrolments_user_course_unique').on(t.userId, t.courseId), index('enrolments_course_idx').on(t.courseId)],
);

export const moduleProgress = sqliteTable(
  'module_progress',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    status: text('status', { enum: PROGRESS_STATUSES }).notNull(),
    bestScore: integer('best_score'), // percent, best quiz attempt
    quizPassed: integer('quiz_passed', { mode: 'boolean' }).notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    firstViewedAt: integer('first_viewed_at').notNull(),
    completedAt: integer('completed_at'),
    lastActivityAt: integer('last_activity_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.moduleId] }), index('module_progress_module_idx').on(t.moduleId)],
);

export const quizAttempts = sqliteTable(
  'quiz_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    answers: text('answers', { mode: 'json' }).$type<Record<string, string[]>>().notNull(),
    score: integer('score').notNull(),
    passed: integer('passed', { mode: 'boolean' }).notNull(),
    startedAt: integer('started_at'),
    submittedAt: integer('submitted_at').notNull(),
    // The random key the quiz form carried: a repeated submission (double click, a retry after a
    // lost answer) finds the attempt it already recorded. Null for attempts made without one.
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [index('quiz_attempts_user_module_idx').on(t.userId, t.moduleId), uniqueIndex('quiz_attempts_user_key_idx').on(t.userId, t.idempotencyKey)],
);

/**
 * One row per (teacher, competency, source): the source says what gave it ('module:<id>' for a
 * passed module, 'assignment:<module id>' for its assessed artefact, 'session:<id>',
 * 'recognition:<id>'), so completing twice or passing a resubmission cannot double count.
 */
export const competencyEvidence = sqliteTable(
  'competency_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    competency: text('competency').notNull(),
    kind: text('kind', { enum: EVIDENCE_KINDS }).notNull().default('quiz'),
    // The module and course behind quiz and assessed evidence; null for sessions and recognitions.
    moduleId: integer('module_id').references(() => modules.id),
    courseId: integer('course_id').references(() => courses.id),
    source: text('source').notNull(),
    assessorId: integer('assessor_id').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('competency_evidence_source_unique').on(t.userId, t.competency, t.source),
    // Both carry the kind, which decides what a row demonstrates: the windowed report counts read
    // the first, the per-teacher export the second, each from the index alone.
    index('competency_evidence_competency_idx').on(t.competency, t.userId, t.createdAt, t.kind),
    index('competency_evidence_user_idx').on(t.userId, t.competency, t.createdAt, t.moduleId, t.kind),
  ],
);

/**
 * A roll-up of competency_evidence, one row per teacher, kept in the transaction that writes or
 * removes their evidence (server/evidence/standings.ts): for each kind, bit i set when they hold
 * evidence of that kind for COMPETENCIES[i]. Reports at national scale read it instead of
 * millions of evidence rows; the level rule applies at query time, so a changed EVIDENCE_RULE
 * needs no rebuild.
 */
export const competencyStandings = sqliteTable(
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

/**
 * A second roll-up, one row per place a teacher can be in (their registry entry, 0 for none, and
 * the school, region and country they typed): how many teachers of the report's population are
 * there, and how many of them demonstrated each competency, have it only checked, or hold each
 * level (PLACE_COUNTERS). Kept in the transaction of every change that moves a teacher between
 * rows or changes their standing (server/evidence/place-counts.ts), so the national report with
 * no filter but place sums a few thousand rows instead of a million teachers. Unlike
 * competency_standings it applies the level rule when written: a changed EVIDENCE_RULE rebuilds
 * it at start.
 */
export const placeCounts = sqliteTable(
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

/** xAPI-shaped statements: the full statement as JSON plus the columns we filter on. */
export const learningRecords = sqliteTable(
  'learning_records',
  {
    id: text('id').primaryKey(), // statement UUID
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    verb: text('verb').notNull(), // verb IRI
    courseId: integer('course_id'),
    moduleId: integer('module_id'),
    statement: text('statement', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [index('learning_records_user_idx').on(t.userId, t.timestamp), index('learning_records_time_idx').on(t.timestamp)],
);
