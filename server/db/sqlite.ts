import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import { ensureDatabaseFolder } from '../config.ts';
import type { Db, EngineHandle } from './handle.ts';
import { Mutex } from './mutex.ts';
import * as schema from './schema.ts';

// SQLite behind the asynchronous drizzle API that PostgreSQL needs. better-sqlite3 is
// synchronous and its transactions cannot span an await, so the database has two connections:
// a writer, which runs every write and every transaction, one transaction at a time (an async
// lock), and a reader for reads outside transactions, which in WAL mode sees committed data only:
// a reader never sees another request's transaction half done. Which transaction a query belongs
// to is carried by AsyncLocalStorage, because drizzle's proxy driver hands every query of every
// transaction to one callback. ':memory:' has a single connection (two would be two databases),
// so its reads wait for an open transaction instead.

type Method = 'run' | 'all' | 'values' | 'get';
interface Transaction {
  open: boolean;
  tx: unknown;
}

const MAX_STATEMENTS = 500;

/**
 * A connection that keeps the statements it compiled, by their SQL text: SQLite otherwise parses
 * and plans the same SQL on every request, a third of the CPU of a module completion.
 */
class Connection {
  readonly sqlite: Database.Database;
  private readonly kept = new Map<string, Database.Statement>();

  constructor(path: string, readOnly: boolean) {
    this.sqlite = new Database(path);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('foreign_keys = ON');
    this.sqlite.pragma('busy_timeout = 5000');
    this.sqlite.pragma('synchronous = NORMAL');
    if (readOnly) this.sqlite.pragma('query_only = ON');
    // Unicode lower-casing for searches: SQLite's lower() and LIKE fold only ASCII letters.
    this.sqlite.function('casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  }

  statement(source: string): Database.Statement {
    const known = this.kept.get(source);
    // A statement still being iterated (a streaming export) is busy: that caller gets a fresh one.
    if (known && !known.busy) return known;
    const statement = this.sqlite.prepare(source);
    if (!known) {
      if (this.kept.size >= MAX_STATEMENTS) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(source, statement);
    }
    return statement;
  }

  run(source: string, params: unknown[], method: Method, asObjects = false): { rows: unknown } {
    const statement = this.statement(source);
    if (!statement.reader) return { rows: [], ...statement.run(...params) };
    statement.raw(!asObjects);
    return { rows: method === 'get' ? statement.get(...params) : statement.all(...params) };
  }
}

export function openSqlite(path: string): { db: Db; handle: EngineHandle } {
  if (path !== ':memory:') ensureDatabaseFolder(path);
  const writer = new Connection(path, false);
  const reader = path === ':memory:' ? null : new Connection(path, true);
  const lock = new Mutex();
  const transactions = new AsyncLocalStorage<Transaction>();
  const readOnly = new Map<string, boolean>();
  const isReadOnly = (source: string) => {
    let known = readOnly.get(source);
    if (known === undefined) {
      known = writer.statement(source).readonly;
      if (readOnly.size >= MAX_STATEMENTS) readOnly.clear();
      readOnly.set(source, known);
    }
    return known;
  };

  const execute = async (source: string, params: unknown[], method: Method, asObjects = false) => {
    if (transactions.getStore()?.open) return writer.run(source, params, method, asObjects);
    if (reader && isReadOnly(source)) return reader.run(source, params, method, asObjects);
    // One statement on its own commits at once, so it needs the lock only while a transaction holds the writer.
    if (!lock.busy) return writer.run(source, params, method, asObjects);
    return lock.run(async () => writer.run(source, params, method, asObjects));
  };
  const db = drizzle((source, params, method) => execute(source, params, method) as Promise<{ rows: unknown[] }>, { schema }) as unknown as Db;

  const begin = db.transaction.bind(db) as Db['transaction'];
  db.transaction = ((work: (tx: unknown) => Promise<unknown>) => {
    const current = transactions.getStore();
    // A transaction opened inside another joins it as a savepoint, as drizzle's tx.transaction does.
    if (current?.open) return (current.tx as Db).transaction(work as never);
    return lock.run(() => {
      const state: Transaction = { open: true, tx: undefined };
      return transactions
        .run(state, () =>
          begin(
            (tx) => {
              state.tx = tx;
              return work(tx) as Promise<never>;
            },
            { behavior: 'immediate' },
          ),
        )
        .finally(() => {
          state.open = false;
        });
    });
  }) as Db['transaction'];

  const handle: EngineHandle = {
    engine: 'sqlite',
    async migrate(folder) {
      // Start-up work of several processes on one file is serialised by SQLite's own file lock.
      migrate(drizzleSync(writer.sqlite), { migrationsFolder: folder });
    },
    async exclusive(work) {
      // One process per SQLite file: nothing else can be starting up at the same time.
      return work();
    },
    async rows(source, params, asObjects) {
      return (await execute(source, params, 'all', asObjects)).rows as unknown[];
    },
    async *stream(source, params) {
      // A statement of its own, so the shared one stays free for other requests meanwhile.
      const statement = (reader ?? writer).sqlite.prepare(source).raw(true);
      for (const row of statement.iterate(...params)) yield row as unknown[];
    },
    async close() {
      reader?.sqlite.close();
      writer.sqlite.close();
    },
    async backup(destination) {
      ensureDatabaseFolder(destination);
      await writer.sqlite.backup(destination);
    },
  };
  return { db, handle };
}
