import { sql } from 'drizzle-orm';
import { integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { courses } from './courses.ts';

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
