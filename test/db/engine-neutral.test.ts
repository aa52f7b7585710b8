import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

// Feature code is written once for SQLite and PostgreSQL: engine-specific code lives in
// server/db/ only. This test fails on the engine-only APIs and SQL that crept in elsewhere.

const FORBIDDEN: [RegExp, string][] = [
  [/from '(better-sqlite3|pg|pg-cursor)'/, 'a database driver (use server/db/client.ts)'],
  [/from 'drizzle-orm\/(sqlite-core|pg-core|better-sqlite3|node-postgres|sqlite-proxy)'/, 'an engine-specific drizzle module'],
  [/\$client/, 'the driver connection ($client)'],
  [/\.(get|all|run)\(\s*(\)|\{)/, 'SQLite-only .get()/.all()/.run() (await the query; prepared ones: .execute({…}))'],
  [/\.(changes|lastInsertRowid)\b/, 'a SQLite run result (use .returning())'],
  [/\bgroup_concat\b|\bstring_agg\b/i, 'group_concat/string_agg (use joinedValues from server/db/dialect.ts)'],
  [/COLLATE\s+NOCASE/i, 'COLLATE NOCASE (use caseless from server/db/dialect.ts)'],
  [/\bjson_each\b|\bjson_array_elements/i, 'a JSON table function (use inJsonIds from server/db/dialect.ts)'],
  [/\bcasefold\(|\bilike\b/i, 'engine-specific case folding (use foldCase from server/db/dialect.ts)'],
  [/\browid\b|\bpragma\b|\bstrftime\(|\bdatetime\(/i, 'SQLite-only SQL'],
  [/'[^'\n]*::[a-z]+[^'\n]*'|`[^`\n]*::(text|int|integer|bigint|json|jsonb)\b/i, 'a PostgreSQL-only cast (use CAST(x AS …))'],
];

function files(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return full.endsWith(path.join('server', 'db')) ? [] : files(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('feature code is engine-neutral', () => {
  it('uses no engine-only API or SQL outside server/db/', () => {
    const found: string[] = [];
    for (const file of files(path.join(ROOT, 'server'))) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
          for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('catches what it should', () => {
    const caught = (line: string) => FORBIDDEN.some(([pattern]) => pattern.test(line));
    expect(caught("import Database from 'better-sqlite3';")).toBe(true);
    expect(caught('const row = db.select().from(users).get();')).toBe(true);
    expect(caught('statements(tx).complete.run({ userId });')).toBe(true);
    expect(caught('sql`(SELECT group_concat(role) FROM user_roles)`')).toBe(true);
    expect(caught('const first = (await db.select().from(users).limit(1))[0];')).toBe(false);
    expect(caught('const user = byId.get(id);')).toBe(false);
    expect(caught('await Promise.all([a, b]);')).toBe(false);
  });
});
