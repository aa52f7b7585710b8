import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pgSchema from './schema/pg/index.ts';

// Moves an existing SQLite installation to PostgreSQL: creates the schema on an empty target
// with the PostgreSQL migrations, copies every table in one transaction (nothing is left half
// copied), and checks that each table holds as many rows as the source.

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/postgres');
const MAX_PARAMETERS = 60_000; // PostgreSQL allows 65,535 per statement

export interface CopiedTable {
  table: string;
  source: number;
  target: number;
}

/** The tables in an order where every row's references already exist (parents first). */
function tablesInOrder(): PgTable[] {
  const tables = (Object.values(pgSchema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  const name = (t: PgTable) => getTableConfig(t).name;
  const ordered: PgTable[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) =>
        !placed.has(name(t)) && getTableConfig(t).foreignKeys.every((fk) => [name(t), ...placed].includes(getTableConfig(fk.reference().foreignTable).name)),
    );
    if (ready.length === 0) throw new Error('circular foreign keys between tables');
    for (const t of ready) {
      ordered.push(t);
      placed.add(name(t));
    }
  }
  return ordered;
}

export async function copySqliteToPostgres(sourcePath: string, targetUrl: string, log: (line: string) => void = () => undefined): Promise<CopiedTable[]> {
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
  const pool = new pg.Pool({ connectionString: targetUrl, max: 1 });
  const client = await pool.connect();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS });
    const report: CopiedTable[] = [];
    await client.query('BEGIN');
    for (const table of tablesInOrder()) {
      const config = getTableConfig(table);
      const existing = Number((await client.query(`SELECT count(*) AS n FROM "${config.name}"`)).rows[0].n);
      if (existing > 0) throw new Error(`The target database is not empty: table ${config.name} has ${existing} rows. Copy into a new, empty database.`);
      const columns = config.columns;
      // A reference to the same table (users.created_by) is filled in after every row exists.
      const selfReferences = config.foreignKeys
        .filter((fk) => getTableConfig(fk.reference().foreignTable).name === config.name)
        .flatMap((fk) => fk.reference().columns.map((c) => c.name));
      const convert = columns.map((c) => (c.columnType === 'PgBoolean' ? (v: unknown) => (v === null ? null : v === 1 || v === true) : (v: unknown) => v));
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      const names = columns.map((c) => `"${c.name}"`).join(', ');
      const read = source.prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(', ')} FROM "${config.name}" ORDER BY rowid`).raw(true);
      let batch: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const rows = batch.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
        await client.query(`INSERT INTO "${config.name}" (${names}) VALUES ${rows.join(', ')}`, params);
        copied += batch.length;
        batch = [];
      };
      for (const raw of read.iterate() as IterableIterator<unknown[]>) {
        const row = raw.map((value, i) => convert[i]!(value));
        for (const column of selfReferences) row[columns.findIndex((c) => c.name === column)] = null;
        batch.push(row);
        if (batch.length >= perStatement) await flush();
      }
      await flush();
      if (selfReferences.length) await fillSelfReferences(client, config.name, columns, selfReferences, source);
      // Identity columns continue after the copied ids.
      for (const column of columns.filter((c) => (c as { generatedIdentity?: unknown }).generatedIdentity)) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('"${config.name}"', '${column.name}'), GREATEST((SELECT max("${column.name}") FROM "${config.name}"), 1))`,
        );
      }
      const sourceCount = (source.prepare(`SELECT count(*) AS n FROM "${config.name}"`).get() as { n: number }).n;
      const targetCount = Number((await client.query(`SELECT count(*) AS n FROM "${config.name}"`)).rows[0].n);
      report.push({ table: config.name, source: sourceCount, target: targetCount });
      log(`${config.name}: ${copied} rows`);
      if (sourceCount !== targetCount) throw new Error(`${config.name}: ${sourceCount} rows in SQLite but ${targetCount} copied`);
    }
    await client.query('COMMIT');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    await pool.end();
    source.close();
  }
}

async function fillSelfReferences(
  client: pg.PoolClient,
  table: string,
  columns: { name: string; primary: boolean }[],
  references: string[],
  source: Database.Database,
): Promise<void> {
  const key = columns.find((c) => c.primary)?.name ?? 'id';
  for (const column of references) {
    const pairs = source.prepare(`SELECT "${key}", "${column}" FROM "${table}" WHERE "${column}" IS NOT NULL`).raw(true).all() as [unknown, unknown][];
    if (pairs.length === 0) continue;
    // One statement for every row (a national installation has a created_by on most accounts).
    await client.query(
      `UPDATE "${table}" SET "${column}" = v.value FROM (SELECT unnest($1::integer[]) AS id, unnest($2::integer[]) AS value) v WHERE "${table}"."${key}" = v.id`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }
}
