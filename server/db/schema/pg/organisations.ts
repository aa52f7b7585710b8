import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ORGANISATION_KINDS } from '../values.ts';

export const organisations = pgTable(
  'organisations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => organisations.id),
    code: text('code'),
    nameEn: text('name_en').notNull().default(''),
    nameRu: text('name_ru').notNull().default(''),
    searchText: text('search_text').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('organisations_kind_code_unique').on(t.kind, t.code).where(sql`code IS NOT NULL`), index('organisations_parent_idx').on(t.parentId)],
);

export const organisationNames = pgTable(
  'organisation_names',
  {
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    nameKey: text('name_key').notNull(),
  },
  (t) => [uniqueIndex('organisation_names_unique').on(t.kind, t.nameKey, t.organisationId), index('organisation_names_org_idx').on(t.organisationId)],
);

export const complianceTargets = pgTable('compliance_targets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  scope: text('scope').notNull(),
  percent: integer('percent').notNull(),
  dueDate: text('due_date').notNull(),
  placeId: integer('place_id').references(() => organisations.id, { onDelete: 'cascade' }),
  // The administrator who set it (no foreign key: the users table refers to this file's tables).
  createdBy: integer('created_by'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
