import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQL, SQLWrapper } from 'drizzle-orm';
import { ENGINE, engineOf } from './engine.ts';
import type { Db, EngineHandle } from './handle.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';

// The one door to the database. Every engine-specific line lives in this folder (sqlite.ts,
// postgres.ts, dialect.ts); feature code awaits drizzle queries on the Db it is given and uses
// the helpers below for what drizzle's builder cannot say.

export type { Db } from './handle.ts';
/** The handle inside db.transaction(): feature code that must join a caller's transaction takes this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either a database or a transaction: functions that work in both take this. */
export type DbOrTx = Db | Tx;

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIGRATIONS = { sqlite: path.join(ROOT, 'migrations/sqlite'), postgres: path.join(ROOT, 'migrations/postgres') };

/** Both a database and its transactions share drizzle's session object: the key for what belongs to the database. */
function sessionOf(db: DbOrTx): object {
  return (db as unknown as { session: object }).session;
}
const handles = new WeakMap<object, EngineHandle>();
function handleOf(db: DbOrTx): EngineHandle {
  const handle = handles.get(sessionOf(db));
  if (!handle) throw new Error('not a database opened by openDatabase()');
  return handle;
}

/**
 * Opens the database at `location`: a postgres:// URL, or a SQLite file path (':memory:' for a
 * throw-away one). The engine must be the one this process chose at start (engine.ts), since
 * the tables every feature imports belong to it.
 */
export async function openDatabase(location: string, options: { poolSize?: number } = {}): Promise<Db> {
  const engine = engineOf(location);
  if (engine !== ENGINE) throw new Error(`this process runs on ${ENGINE} (DATABASE_URL) and cannot open a ${engine} database`);
  const { db, handle } = engine === 'postgres' ? openPostgres(location, options.poolSize ?? 10) : openSqlite(location);
  handles.set(sessionOf(db), handle);
  return db;
}

/** Applies the engine's drizzle-kit migrations (one instance at a time on PostgreSQL). */
export async function migrateDatabase(db: Db): Promise<void> {
  const handle = handleOf(db);
  await handle.migrate(MIGRATIONS[handle.engine]);
}

/** A migrated database: the usual start for the server, tests and benchmarks. */
export async function openMigratedDatabase(location: string, options: { poolSize?: number } = {}): Promise<Db> {
  const db = await openDatabase(location, options);
  await migrateDatabase(db);
  return db;
}

/** Start-up work that several instances starting at once must not run side by side (course sync, keys). */
export function startupExclusive<T>(db: Db, work: () => Promise<T>): Promise<T> {
  return handleOf(db).exclusive(work);
}

export function closeDatabase(db: Db): Promise<void> {
  return handleOf(db).close();
}

export function databaseEngine(db: DbOrTx): EngineHandle['engine'] {
  return handleOf(db).engine;
}

/** Online backup of a SQLite database (SQLite's backup API, safe while serving). */
export function backupDatabase(db: Db, destination: string): Promise<void> {
  return handleOf(db).backup(destination);
}

export async function checkDatabase(db: Db): Promise<void> {
  await handleOf(db).rows('SELECT 1', []);
}

function toQuery(db: DbOrTx, query: SQL | SQLWrapper): { sql: string; params: unknown[] } {
  const dialect = (db as unknown as { dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } }).dialect;
  return dialect.sqlToQuery(query.getSQL());
}

/**
 * The rows of a raw SQL query (or a drizzle query), each an array of column values, without
 * drizzle's mapping: for aggregates the builder cannot express and for exports, where building
 * row objects is the slow part. Values arrive as the driver gives them: JSON columns as text on
 * SQLite and parsed on PostgreSQL (use jsonValue), booleans as 1/0 or true/false (use Boolean).
 */
export async function rawRows<T extends unknown[] = unknown[]>(db: DbOrTx, query: SQL | SQLWrapper): Promise<T[]> {
  const { sql, params } = toQuery(db, query);
  return (await handleOf(db).rows(sql, params)) as T[];
}

/** Rows of a raw SQL query as objects keyed by column name (tests and tools; features use rawRows or the builder). */
export async function rowObjects<T = Record<string, unknown>>(db: DbOrTx, query: SQL | SQLWrapper): Promise<T[]> {
  const { sql, params } = toQuery(db, query);
  return (await handleOf(db).rows(sql, params, true)) as T[];
}

/** rawRows one row at a time (a cursor on PostgreSQL), so a national export never sits in memory. */
export function streamRows<T extends unknown[] = unknown[]>(db: Db, query: SQL | SQLWrapper): AsyncIterable<T> {
  const { sql, params } = toQuery(db, query);
  return handleOf(db).stream(sql, params) as AsyncIterable<T>;
}

/** A JSON column's value from rawRows/streamRows, on either engine. */
export function jsonValue<T = unknown>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Queries built and prepared once per database, for the hot paths (session lookup, module
 * page, completion): drizzle otherwise rebuilds the SQL text on every call, which costs more
 * than running the query. Run them with .execute({ … }) (use sql.placeholder() for the values);
 * inside a transaction they run on the transaction's connection, on both engines. On
 * PostgreSQL each also becomes a named server-side prepared statement on every connection.
 */
export function preparedPerConnection<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const prepared = new WeakMap<object, T>();
  return (db) => {
    const session = sessionOf(db);
    let statements = prepared.get(session);
    if (!statements) {
      statements = build(db);
      if (handleOf(db).engine === 'postgres') nameStatements(statements);
      prepared.set(session, statements);
    }
    return statements;
  };
}

/** Gives node-postgres query configs a name from their text, which makes them server-side prepared statements. */
function nameStatements(statements: unknown): void {
  const queries = typeof statements === 'object' && statements && !('queryConfig' in statements) ? Object.values(statements) : [statements];
  for (const query of queries as { queryConfig?: { name?: string; text: string }; rawQueryConfig?: { name?: string } }[]) {
    if (!query?.queryConfig) continue;
    const name = `q${createHash('sha1').update(query.queryConfig.text).digest('hex').slice(0, 20)}`;
    query.queryConfig.name = name;
    if (query.rawQueryConfig) query.rawQueryConfig.name = name;
  }
}

/**
 * SQLite's or PostgreSQL's unique violation, raw or wrapped by drizzle (as the cause): how a
 * repeated submission or a racing second decision learns that the first one won.
 */
export function isUniqueViolation(err: unknown): boolean {
  const codes = [err, (err as { cause?: unknown } | null)?.cause].map((e) => (e as { code?: unknown } | null)?.code);
  return codes.includes('SQLITE_CONSTRAINT_UNIQUE') || codes.includes('23505');
}
