import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabaseFolder } from '../config.ts';
import * as schema from './schema.ts';

// All SQLite-specific code lives in this folder, so a move to PostgreSQL touches one place.

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/sqlite');

export function openDatabase(databasePath: string): Db {
  ensureDatabaseFolder(databasePath);
  const sqlite = new Database(databasePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // Unicode lower-casing for searches: SQLite's lower() and LIKE fold only ASCII letters.
  sqlite.function('casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  reuseStatements(sqlite);
  return drizzle(sqlite, { schema }) as Db;
}

const MAX_STATEMENTS = 500;
/** Each connection's own prepare(), which always compiles a new statement. */
const compilers = new WeakMap<Database.Database, Database.Database['prepare']>();

/**
 * drizzle asks the connection to prepare every query anew, and SQLite then parses and plans the
 * same SQL again on every request: a third of the CPU of a module completion. The connection
 * keeps the statements it compiled, by their SQL text, and hands them out again. A statement
 * still being iterated (a streaming export) is busy and cannot be shared, so a fresh one is made.
 * Result modes that drizzle or a caller switched on (raw, pluck, expand) are switched off before
 * reuse, so every caller gets what a new statement would give. Query counts stay observable:
 * each query still calls prepare().
 */
function reuseStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  compilers.set(sqlite, compile);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const known = kept.get(source);
    if (known && !known.busy) return known.reader ? known.raw(false).pluck(false).expand(false) : known;
    const statement = compile(source);
    if (!known) {
      if (kept.size >= MAX_STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(source, statement);
    }
    return statement;
  }) as Database.Database['prepare'];
}

export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS });
}

/** A fresh migrated database: the usual start for tests and benchmarks. */
export function openMigratedDatabase(databasePath: string): Db {
  const db = openDatabase(databasePath);
  migrateDatabase(db);
  return db;
}

/** Online backup through SQLite's backup API: safe while the server is writing. */
export async function backupDatabase(db: Db, destination: string): Promise<void> {
  ensureDatabaseFolder(destination);
  await db.$client.backup(destination);
}

export async function checkDatabase(db: Db): Promise<void> {
  db.$client.prepare('SELECT 1').get();
}

/** The handle inside db.transaction(): feature code that must join a caller's transaction takes this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either a database or a transaction: functions that work in both take this. */
export type DbOrTx = Db | Tx;

/**
 * Streams the raw rows of a drizzle query one at a time (better-sqlite3's iterate), for exports
 * that must not hold every row in memory. JSON columns arrive as text.
 */
export function iterateRows<T = Record<string, unknown>>(db: Db, query: { toSQL(): { sql: string; params: unknown[] } }): IterableIterator<T> {
  const { sql, params } = query.toSQL();
  // A statement of its own: a shared one would stay busy for the whole stream, and any other
  // holder of it (a prepared hot query with the same SQL) would fail until the stream ends.
  const compile = compilers.get(db.$client) ?? db.$client.prepare.bind(db.$client);
  return compile(sql).iterate(...params) as IterableIterator<T>;
}

/**
 * The SQLite connection under a database or one of its transactions. A transaction runs on its
 * database's single connection, so a statement prepared for the database runs inside whatever
 * transaction is open on it. (drizzle keeps the connection on its session; a test pins this.)
 */
export function connectionOf(db: DbOrTx): Database.Database {
  return (db as unknown as { session: { client: Database.Database } }).session.client;
}

/**
 * Queries built and prepared once per connection, for the hot paths (session lookup, module
 * page, completion). drizzle otherwise rebuilds the SQL text from the query builder on every
 * call, which costs more than running the query. Use sql.placeholder() for the values.
 */
export function preparedPerConnection<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const prepared = new WeakMap<Database.Database, T>();
  return (db) => {
    const connection = connectionOf(db);
    let statements = prepared.get(connection);
    if (!statements) {
      statements = build(db);
      prepared.set(connection, statements);
    }
    return statements;
  };
}
