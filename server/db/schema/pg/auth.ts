import { boolean, type AnyPgColumn, bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.ts';
import { ROLES, TOKEN_PURPOSES, USER_LANGUAGES } from '../values.ts';

// PostgreSQL mirror of ../auth.ts (the comments there say what each column means).

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    school: text('school').notNull().default(''),
    region: text('region').notNull().default(''),
    country: text('country').notNull().default(''),
    language: text('language', { enum: USER_LANGUAGES }).notNull().default('en'),
    emailVerifiedAt: bigint('email_verified_at', { mode: 'number' }),
    // The registry entry the person belongs to (normally their school); the free-text school,
    // region and country above stay as typed, for people not matched to the registry yet.
    organisationId: integer('organisation_id').references((): AnyPgColumn => organisations.id, { onDelete: 'set null' }),
    // A trainer or administrator who also teaches: counted in compliance reports like any teacher
    // (staff are left out otherwise, so the figures describe the teacher population).
    alsoTeaches: boolean('also_teaches').notNull().default(false),
    createdBy: integer('created_by').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
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

export const userRoles = pgTable(
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

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: bigint('expires_at', { mode: 'number' }),
    usedAt: bigint('used_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('one_time_tokens_user_idx').on(t.userId)],
);

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: bigint('reset_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
);
