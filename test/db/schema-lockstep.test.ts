import { sql } from 'drizzle-orm';
import * as p from 'drizzle-orm/pg-core';
import * as s from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as sqlite from '../../server/db/schema/index.ts';
import * as pg from '../../server/db/schema/pg/index.ts';
import { compareSchemas, pgShapes, sqliteShapes } from './schema-shape.ts';

// The SQLite schema (server/db/schema/*.ts) and its PostgreSQL mirror (server/db/schema/pg/)
// must describe the same database: a feature query written once has to find the same tables,
// columns, keys and indexes on both engines. schema-shape.ts documents the type mapping.

describe('the SQLite and PostgreSQL schemas', () => {
  it('have the same tables, columns, keys, indexes and foreign keys', () => {
    expect(compareSchemas(sqlite, pg)).toEqual([]);
  });

  it('cover every table the SQLite schema has, under the same export names', () => {
    const tables = (shapes: Record<string, { table: string }>) => Object.fromEntries(Object.entries(shapes).map(([name, { table }]) => [name, table]));
    expect(tables(pgShapes(pg))).toEqual(tables(sqliteShapes(sqlite)));
    expect(Object.keys(sqliteShapes(sqlite))).toHaveLength(36);
    expect(sqliteShapes(sqlite).certificates.shape.indexes.certificates_current_unique).toEqual({
      columns: ['user_id', 'course_id'],
      unique: true,
      where: 'replaced_by_code IS NULL',
    });
  });

  // Checked by the type checker (`npm run typecheck`), not at run time.
  it('give feature code the same row types on both engines', () => {
    type Tables = typeof pg;
    type Same = Pick<typeof sqlite, keyof Tables>;
    type Selected<T> = { [K in keyof T]: T[K] extends { $inferSelect: infer R } ? R : never };
    type Inserted<T> = { [K in keyof T]: T[K] extends { $inferInsert: infer R } ? R : never };
    expectTypeOf<Selected<Tables>>().toEqualTypeOf<Selected<Same>>();
    expectTypeOf<Inserted<Tables>>().toEqualTypeOf<Inserted<Same>>();
  });
});

/** A small pair in lockstep; each case below changes one thing on one side. */
function pair(change: { pgColumns?: Record<string, p.PgColumnBuilderBase>; pgIndex?: 'plain' | 'no-where'; pgOnDelete?: 'cascade' | 'restrict' } = {}) {
  const sParent = s.sqliteTable('parents', { id: s.integer('id').primaryKey({ autoIncrement: true }) });
  const sChild = s.sqliteTable(
    'children',
    {
      id: s.integer('id').primaryKey({ autoIncrement: true }),
      parentId: s
        .integer('parent_id')
        .notNull()
        .references(() => sParent.id, { onDelete: 'cascade' }),
      done: s.integer('done', { mode: 'boolean' }).notNull().default(false),
      data: s.text('data', { mode: 'json' }),
      createdAt: s.integer('created_at').notNull(),
      replacedBy: s.text('replaced_by'),
    },
    (t) => [s.uniqueIndex('children_current').on(t.parentId).where(sql`replaced_by IS NULL`)],
  );
  const pParent = p.pgTable('parents', { id: p.integer('id').primaryKey().generatedByDefaultAsIdentity() });
  const pChild = p.pgTable(
    'children',
    {
      id: p.integer('id').primaryKey().generatedByDefaultAsIdentity(),
      parentId: p
        .integer('parent_id')
        .notNull()
        .references(() => pParent.id, { onDelete: change.pgOnDelete ?? 'cascade' }),
      done: p.boolean('done').notNull().default(false),
      data: p.jsonb('data'),
      createdAt: p.bigint('created_at', { mode: 'number' }).notNull(),
      replacedBy: p.text('replaced_by'),
      ...change.pgColumns,
    },
    (t) => [
      change.pgIndex === 'plain'
        ? p.index('children_current').on(t.parentId).where(sql`replaced_by IS NULL`)
        : change.pgIndex === 'no-where'
          ? p.uniqueIndex('children_current').on(t.parentId)
          : p.uniqueIndex('children_current').on(t.parentId).where(sql`replaced_by IS NULL`),
    ],
  );
  return compareSchemas({ parents: sParent, children: sChild }, { parents: pParent, children: pChild });
}

describe('the schema comparison', () => {
  it('finds nothing to report in a pair in lockstep', () => {
    expect(pair()).toEqual([]);
  });

  it('reports a column that only one engine has', () => {
    expect(pair({ pgColumns: { extra: p.text('extra') } })).toEqual(['children.columns.extra: only in PostgreSQL']);
  });

  it('reports a type outside the mapping, a time in a 4-byte integer and a serial id', () => {
    const report = pair({
      pgColumns: { data: p.json('data'), createdAt: p.integer('created_at').notNull(), id: p.serial('id').primaryKey() },
    });
    expect(report).toContain('children.columns.data.type: SQLite "json", PostgreSQL "unmapped PgJson"');
    expect(report).toContain('children.columns.created_at.type: SQLite "integer", PostgreSQL "integer (times must be bigint in number mode)"');
    expect(report).toContain('children.columns.id.type: SQLite "integer", PostgreSQL "unmapped PgSerial"');
  });

  it('reports a different null rule, default, boolean or property name', () => {
    const report = pair({ pgColumns: { done: p.boolean('done').default(true), replacedByCode: p.integer('replaced_by') } });
    expect(report).toContain('children.columns.done.notNull: SQLite true, PostgreSQL false');
    expect(report).toContain('children.columns.done.default: SQLite "false", PostgreSQL "true"');
    expect(report).toContain('children.columns.replaced_by.key: SQLite "replacedBy", PostgreSQL "replacedByCode"');
    expect(report).toContain('children.columns.replaced_by.type: SQLite "text", PostgreSQL "integer"');
  });

  it('reports an index that lost its uniqueness or its partial condition', () => {
    expect(pair({ pgIndex: 'plain' })).toEqual(['children.indexes.children_current.unique: SQLite true, PostgreSQL false']);
    expect(pair({ pgIndex: 'no-where' })).toEqual(['children.indexes.children_current.where: SQLite "replaced_by IS NULL", PostgreSQL null']);
  });

  it('reports a foreign key with another delete rule, and a key on another column', () => {
    expect(pair({ pgOnDelete: 'restrict' })).toEqual([
      'children.foreignKeys.children_parent_id_parents_id_fk.onDelete: SQLite "cascade", PostgreSQL "restrict"',
    ]);
    const moved = pair({ pgColumns: { id: p.integer('id').generatedByDefaultAsIdentity(), replacedBy: p.text('replaced_by').primaryKey() } });
    expect(moved).toContain('children.primaryKey: SQLite ["id"], PostgreSQL ["replaced_by"]');
  });

  it('reports a table that only one engine has', () => {
    const only = s.sqliteTable('only_here', { id: s.text('id').primaryKey() });
    expect(compareSchemas({ only }, {})).toEqual(['only: table only_here only in SQLite']);
  });
});
