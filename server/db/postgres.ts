import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Db, EngineHandle } from './handle.ts';
import * as schema from './schema.ts';

// PostgreSQL through drizzle's node-postgres driver and a pool of connections. drizzle is given
// a router instead of the pool: a query inside a transaction runs on that transaction's
// connection (carried by AsyncLocalStorage), any other on the pool. So a statement prepared
// once for the database (preparedPerConnection) also runs inside whichever transaction calls it,
// as on SQLite, instead of slipping out onto another connection.

// Counts, sums and bigint millisecond times arrive as numbers, as they do from SQLite. Every
// bigint column holds milliseconds (far below 2^53) and numeric is used only by averages.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

interface Transaction {
  open: boolean;
  client: pg.PoolClient;
  tx: unknown;
}

/** One advisory lock key for start-up work (migrations, course sync, keys): any constant will do. */
const STARTUP_LOCK = 7_150_2026;
const CURSOR_BATCH = 2000;
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';
const MAX_TRIES = 30;

export function openPostgres(url: string, poolSize: number): { db: Db; handle: EngineHandle } {
  // JIT compilation off for this application's sessions: its statements take well under a second,
  // and compiling the report's aggregates cost 0.45 s a page at 100,000 teachers (PERFORMANCE.md).
  // Options in the URL (?options=…) or PGOPTIONS still apply on top.
  const fromUrl = new URL(url).searchParams.get('options') ?? process.env.PGOPTIONS ?? '';
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c jit=off ${fromUrl}`.trim() });
  // An idle connection dropped by the server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  const transactions = new AsyncLocalStorage<Transaction>();
  const router = {
    query(config: pg.QueryConfig, values?: unknown[]) {
      const current = transactions.getStore();
      return (current?.open ? current.client : pool).query(config, values);
    },
  };
  const db = drizzle({ client: router as unknown as pg.Pool, schema }) as unknown as Db;

  const begin = db.transaction.bind(db) as unknown as (work: (tx: unknown) => Promise<unknown>, config: object) => Promise<unknown>;
  const attempt = async (work: (tx: unknown) => Promise<unknown>) => {
    const client = await pool.connect();
    const state: Transaction = { open: true, client, tx: undefined };
    let thrownByWork: unknown;
    let broken: Error | undefined;
    try {
      return await transactions.run(state, () =>
        begin(
          async (tx) => {
            state.tx = tx;
            try {
              return await work(tx);
            } catch (err) {
              thrownByWork = err;
              throw err;
            }
          },
          { isolationLevel: 'serializable' },
        ),
      );
    } catch (err) {
      // The connection is reused after the feature's own error or one the server answered
      // (drizzle rolled back); anything else (a failed rollback, a lost connection) discards it.
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (err !== thrownByWork && !(cause instanceof Error && 'severity' in cause)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      state.open = false;
      client.release(broken);
    }
  };
  // Transactions are SERIALIZABLE and retried when the server finds they collided with another,
  // which gives feature code what SQLite gives by running one transaction at a time: a
  // read-then-write inside a transaction never loses another request's update.
  db.transaction = (async (work: (tx: unknown) => Promise<unknown>) => {
    const current = transactions.getStore();
    if (current?.open) return (current.tx as Db).transaction(work as never);
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(work);
      } catch (err) {
        const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
        if (tries >= MAX_TRIES || (code !== SERIALIZATION_FAILURE && code !== DEADLOCK)) throw err;
        // Exponential back-off with jitter (up to 250 ms): transactions that keep colliding on the
        // same rows (a school's counts while its teachers finish modules together) spread out
        // instead of colliding again; a linear 5 ms step ran out of tries at 20 connections.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 2 ** tries)));
      }
    }
  }) as Db['transaction'];

  const handle: EngineHandle = {
    engine: 'postgres',
    async migrate(folder) {
      await handle.exclusive(async () => {
        const client = await pool.connect();
        try {
          await migrate(drizzle({ client }), { migrationsFolder: folder });
        } finally {
          client.release();
        }
      });
    },
    async exclusive(work) {
      // A session-level advisory lock on a connection of its own: several instances starting at
      // once take turns, and the lock goes with the connection if the process dies.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    async rows(text, params, asObjects) {
      const result = await router.query((asObjects ? { text } : { text, rowMode: 'array' }) as pg.QueryConfig, params);
      return result.rows as unknown[];
    },
    async *stream(text, params) {
      // A cursor on a connection of its own: the server holds the result and sends it in batches.
      const client = await pool.connect();
      const cursor = client.query(new Cursor(text, params, { rowMode: 'array' }));
      try {
        for (;;) {
          const rows = await cursor.read(CURSOR_BATCH);
          if (rows.length === 0) break;
          yield* rows as unknown[][];
        }
      } finally {
        await cursor.close();
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
    async backup() {
      throw new Error('On PostgreSQL, back up with pg_dump or continuous archiving (docs/DEPLOY.md).');
    },
  };
  return { db, handle };
}
