import { type AnySQLiteColumn, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { ORGANISATION_KINDS } from './values.ts';

/**
 * The organisation registry: countries, regions and schools, a tree (a region's parent is a
 * country; a school's is a region or a country), each named in English and Russian. People point
 * at an entry (users.organisation_id), so "Russia" and "Россия" are one country in every report.
 */
export const organisations = sqliteTable(
  'organisations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => organisations.id),
    // A national code where one exists (school register number, ISO 3166 code of a country or region).
    code: text('code'),
    nameEn: text('name_en').notNull().default(''),
    nameRu: text('name_ru').notNull().default(''),
    // Both names and the code folded (any case, Cyrillic in Latin letters): what search matches.
    searchText: text('search_text').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('organisations_kind_code_unique').on(t.kind, t.code).where(sql`code IS NOT NULL`), index('organisations_parent_idx').on(t.parentId)],
);

/**
 * Every name an entry is known by, folded to a key: its own names, the names of duplicates merged
 * into it, and free-text values an administrator mapped to it. Imports and free text match here.
 * Not unique: many towns have a "School No. 1"; a name matching several entries asks for a code.
 */
export const organisationNames = sqliteTable(
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

/**
 * A goal an administrator sets, e.g. "80 % of the teachers of Sakha hold every KA competency by
 * 2027-06-30": scope is a level code (all six of it) or one competency code.
 */
export const complianceTargets = sqliteTable('compliance_targets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  scope: text('scope').notNull(),
  percent: integer('percent').notNull(),
  dueDate: text('due_date').notNull(), // YYYY-MM-DD
  // The registry entry whose teachers it is about; null for every teacher.
  placeId: integer('place_id').references(() => organisations.id, { onDelete: 'cascade' }),
  // The administrator who set it (no foreign key: the users table refers to this file's tables).
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
});
