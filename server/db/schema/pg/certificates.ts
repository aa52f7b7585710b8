import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { courses } from './courses.ts';

// PostgreSQL mirror of ../certificates.ts.

export const certificates = pgTable(
  'certificates',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    hours: doublePrecision('hours').notNull(),
    competencies: jsonb('competencies').$type<string[]>().notNull(),
    issuerName: text('issuer_name').notNull(),
    issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
    revokedReason: text('revoked_reason'),
    replacedByCode: text('replaced_by_code'),
  },
  (t) => [
    uniqueIndex('certificates_code_unique').on(t.code),
    uniqueIndex('certificates_current_unique').on(t.userId, t.courseId).where(sql`replaced_by_code IS NULL`),
  ],
);

export const issuerKeys = pgTable('issuer_keys', {
  id: text('id').primaryKey(),
  publicKeyPem: text('public_key_pem').notNull(),
  privateKeyPem: text('private_key_pem').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
