import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import type { Engine } from './engine.ts';
import type * as schema from './schema.ts';

/**
 * The database as feature code sees it: drizzle's asynchronous query builder, typed with the
 * SQLite tables. On PostgreSQL the object is drizzle's node-postgres database over the mirror
 * tables; the calls feature code may use (select, insert, update, delete, returning, onConflict…,
 * transaction, prepare + execute) behave the same on both. test/db/engine-neutral.test.ts keeps
 * engine-only calls out of feature code.
 */
export type Db = SqliteRemoteDatabase<typeof schema>;

/** What each engine provides beyond drizzle's query builder; only server/db/ uses it. */
export interface EngineHandle {
  engine: Engine;
  migrate(folder: string): Promise<void>;
  /** Runs start-up work one instance at a time across every instance of the database. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Rows of a raw query: arrays of column values, or objects by column name. */
  rows(sql: string, params: unknown[], asObjects?: boolean): Promise<unknown[]>;
  /** The same, one row at a time, never holding the whole result. */
  stream(sql: string, params: unknown[]): AsyncIterable<unknown[]>;
  close(): Promise<void>;
  backup(destination: string): Promise<void>;
}
