import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations.ts';
import { ROLES, TOKEN_PURPOSES, USER_LANGUAGES } from './values.ts';

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
    language: text('language', { enum: USER_LANGUAGES }).notNull().default('en'),
    // When the owner proved the address (a verification or sign-in link); null while unproven.
    emailVerifiedAt: integer('email_verified_at'),
    // The trainer whose cohort import created the account: only they may hand out its sign-in links.
    // The registry entry the person belongs to (normally their school); the free-text school,
    // region and country above stay as typed, for people not matched to the registry yet.
    organisationId: integer('organisation_id').references((): AnySQLiteColumn => organisations.id, { onDelete: 'set null' }),
    // A trainer or administrator who also teaches: counted in compliance reports like any teacher
    // (staff are left out otherwise, so the figures describe the teacher population).
    alsoTeaches: integer('also_teaches', { mode: 'boolean' }).notNull().default(false),
    createdBy: integer('created_by').references((): AnySQLiteColumn => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
    index('users_school_idx').on(t.school),
    index('users_region_idx').on(t.region),
    index('users_organisation_idx').on(t.organisationId),
    index('users_country_idx').on(t.country),
    // The per-teacher report pages by name: walking this index stops after a page instead of sorting every teacher.
    index('users_name_idx').on(t.name, t.id),
  ],
);

/** The fields every list of people shows (cohort members, report teachers). */
export type PersonSummary = Pick<typeof users.$inferSelect, 'id' | 'name' | 'email' | 'school' | 'region' | 'country'>;

export const userRoles = sqliteTable(
  'user_roles',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
  },
  // By role: the staff (a few hundred among a million teachers) found without reading every row.
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index('user_roles_role_idx').on(t.role, t.userId)],
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
