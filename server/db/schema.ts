import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are integer milliseconds since the epoch: cheap to compare and aggregate over
// millions of rows, and identical in SQLite and PostgreSQL (bigint).

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(), // stored lower-cased: emails are case-insensitive
    name: text('name').notNull(),
    passwordHash: text('password_hash'), // null until the person sets one through a sign-in link
    school: text('school').notNull().default(''),
    region: text('region').notNull().default(''),
    country: text('country').notNull().default(''),
    language: text('language', { enum: ['en', 'ru'] })
      .notNull()
      .default('en'),
    // When the owner proved the address (a verification or sign-in link); null while unproven.
    emailVerifiedAt: integer('email_verified_at'),
    // The trainer whose cohort import created the account: only they may hand out its sign-in links.
    createdBy: integer('created_by').references((): AnySQLiteColumn => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
    index('users_school_idx').on(t.school),
    index('users_region_idx').on(t.region),
    index('users_country_idx').on(t.country),
  ],
);

/** The fields every list of people shows (cohort members, report teachers). */
export type PersonSummary = Pick<typeof users.$inferSelect, 'id' | 'name' | 'email' | 'school' | 'region' | 'country'>;

export const ROLES = ['teacher', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const userRoles = sqliteTable(
  'user_roles',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(), // SHA-256 of the token (hex); the token itself is never stored
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const TOKEN_PURPOSES = ['setup', 'signin', 'reset', 'verify'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/**
 * One-time links: account set-up for the first administrator, sign-in links for new learners,
 * password resets and e-mail address verification.
 */
export const oneTimeTokens = sqliteTable(
  'one_time_tokens',
  {
    id: text('id').primaryKey(), // SHA-256 of the token (hex)
    purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: integer('expires_at'), // null: valid until used (the setup link)
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('one_time_tokens_user_idx').on(t.userId)],
);

/**
 * Rate-limit counters, in the database so that every app instance counts the same attempts.
 * A fixed window per key: hits since reset_at - window.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: integer('reset_at').notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
);

export const courses = sqliteTable(
  'courses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    language: text('language').notNull(),
    licence: text('licence').notNull(),
    authors: text('authors', { mode: 'json' }).$type<string[]>().notNull(),
    hours: real('hours').notNull(),
    sequential: integer('sequential', { mode: 'boolean' }).notNull().default(false),
    certificate: integer('certificate', { mode: 'boolean' }).notNull().default(true),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('courses_slug_unique').on(t.slug)],
);

export interface QuizOption {
  id: string;
  text: string;
  correct: boolean;
}
export interface QuizQuestion {
  id: string;
  type: 'single' | 'multiple';
  prompt: string;
  options: QuizOption[];
  explanation: string;
}
export interface Quiz {
  passMark: number;
  maxAttempts: number | null;
  questions: QuizQuestion[];
}

export const modules = sqliteTable(
  'modules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    slug: text('slug').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    minutes: integer('minutes').notNull(),
    bodyHtml: text('body_html').notNull(), // rendered and sanitised once, at load
    quiz: text('quiz', { mode: 'json' }).$type<Quiz>(),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('modules_course_slug_unique').on(t.courseId, t.slug)],
);

export const moduleCompetencies = sqliteTable(
  'module_competencies',
  {
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    competency: text('competency').notNull(),
  },
  (t) => [primaryKey({ columns: [t.moduleId, t.competency] }), index('module_competencies_code_idx').on(t.competency)],
);

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
    status: text('status', { enum: ['active', 'withdrawn'] })
      .notNull()
      .default('active'),
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
    status: text('status', { enum: ['in_progress', 'completed'] }).notNull(),
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

/** One row per (teacher, competency, module that evidenced it): completing twice cannot double count. */
export const competencyEvidence = sqliteTable(
  'competency_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    competency: text('competency').notNull(),
    moduleId: integer('module_id')
      .notNull()
      .references(() => modules.id),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    source: text('source').notNull().default('module'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('competency_evidence_unique').on(t.userId, t.competency, t.moduleId),
    index('competency_evidence_competency_idx').on(t.competency, t.userId, t.createdAt),
    // Covers the per-teacher compliance export, which reads each teacher's evidence in order.
    index('competency_evidence_user_idx').on(t.userId, t.competency, t.createdAt, t.moduleId),
  ],
);

export const certificates = sqliteTable(
  'certificates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    learnerName: text('learner_name').notNull(),
    courseTitle: text('course_title').notNull(),
    courseLanguage: text('course_language').notNull(),
    hours: real('hours').notNull(),
    competencies: text('competencies', { mode: 'json' }).$type<string[]>().notNull(),
    issuerName: text('issuer_name').notNull(),
    issuedAt: integer('issued_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'), // private: never shown on the public page
    replacedByCode: text('replaced_by_code'),
  },
  (t) => [
    uniqueIndex('certificates_code_unique').on(t.code),
    // One current certificate per learner and course; replaced ones stay for verification.
    uniqueIndex('certificates_current_unique').on(t.userId, t.courseId).where(sql`replaced_by_code IS NULL`),
  ],
);

export const issuerKeys = sqliteTable('issuer_keys', {
  id: text('id').primaryKey(), // key id (multibase public key)
  publicKeyPem: text('public_key_pem').notNull(),
  privateKeyPem: text('private_key_pem').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const cohorts = sqliteTable('cohorts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  startDate: text('start_date').notNull(), // YYYY-MM-DD
  dueDate: text('due_date'), // YYYY-MM-DD
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
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

export const MEMBER_STATUSES = ['invited', 'active', 'declined'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

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
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index('cohort_members_user_idx').on(t.userId)],
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
