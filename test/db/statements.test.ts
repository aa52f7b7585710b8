import { asc, count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Db, preparedPerConnection, rawRows, rowObjects, streamRows } from '../../server/db/client.ts';
import { users, versions } from '../../server/db/schema.ts';
import { testDatabase } from '../support/database.ts';

// server/db/client.ts on the engine this run tests: prepared hot queries, raw and streamed rows,
// and transactions. SQLite keeps compiled statements by SQL text and PostgreSQL names prepared
// statements per connection: callers must not be able to tell, apart from speed.

async function withUsers(...names: string[]): Promise<Db> {
  const db = await testDatabase();
  if (names.length > 0) await db.insert(users).values(names.map((name, i) => ({ email: `${name}@example.org`, name, createdAt: i + 1 })));
  return db;
}

const names = async (db: Db) => (await db.select({ name: users.name }).from(users).orderBy(asc(users.id))).map((r) => r.name);

/** A promise with its resolve function, to hold a transaction open at a chosen point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('preparedPerConnection', () => {
  it('builds once per database, and its statements run inside the open transaction and roll back with it', async () => {
    const db = await withUsers();
    let builds = 0;
    const statements = preparedPerConnection((d) => {
      builds++;
      return {
        insert: d
          .insert(users)
          .values({ email: sql.placeholder('email'), name: sql.placeholder('name'), createdAt: 1 })
          .prepare(),
        byName: d
          .select({ id: users.id })
          .from(users)
          .where(eq(users.name, sql.placeholder('name')))
          .prepare(),
      };
    });
    await statements(db).insert.execute({ email: 'outside@example.org', name: 'outside' });
    await expect(
      db.transaction(async (tx) => {
        await statements(tx).insert.execute({ email: 'inside@example.org', name: 'inside' });
        // The transaction's own connection: it sees its uncommitted row.
        expect(await statements(tx).byName.execute({ name: 'inside' })).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await names(db)).toEqual(['outside']);
    expect(await statements(db).byName.execute({ name: 'inside' })).toEqual([]);
    expect(builds).toBe(1);
    expect(statements(db)).toBe(statements(db));

    const other = await withUsers();
    expect(statements(other)).not.toBe(statements(db)); // another database has its own
    expect(builds).toBe(2);
    expect(await statements(other).byName.execute({ name: 'outside' })).toEqual([]);
  });

  it('commits what ran inside a transaction, and a transaction opened inside another joins it as a savepoint', async () => {
    const db = await withUsers();
    const insert = preparedPerConnection((d) =>
      d
        .insert(users)
        .values({ email: sql.placeholder('email'), name: sql.placeholder('name'), createdAt: 1 })
        .returning({ id: users.id })
        .prepare(),
    );
    await db.transaction(async (tx) => {
      const [row] = await insert(tx).execute({ email: 'kept@example.org', name: 'kept' });
      expect(row?.id).toBeGreaterThan(0);
      // Opened on db, not tx: it still belongs to the open transaction (a savepoint).
      await expect(
        db.transaction(async (inner) => {
          await insert(inner).execute({ email: 'undone@example.org', name: 'undone' });
          throw new Error('inner abort');
        }),
      ).rejects.toThrow('inner abort');
      await insert(tx).execute({ email: 'after@example.org', name: 'after' });
    });
    expect(await names(db)).toEqual(['kept', 'after']);
  });
});

describe('rawRows and rowObjects', () => {
  it('give arrays of values and objects by column name for the same SQL, in any order of use', async () => {
    const db = await withUsers('a', 'b');
    const query = (id: number) => sql`SELECT id, name FROM users WHERE id = ${id}`;
    const [first] = await db.select({ id: users.id }).from(users).orderBy(asc(users.id)).limit(1);
    const id = first!.id;
    expect(await rawRows(db, query(id))).toEqual([[id, 'a']]);
    expect(await rowObjects(db, query(id))).toEqual([{ id, name: 'a' }]);
    expect(await rawRows(db, query(id + 1))).toEqual([[id + 1, 'b']]);
    // A drizzle query works too, and the builder's own rows are unaffected by raw use of its SQL.
    const builder = db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, id));
    expect(await rawRows(db, builder)).toEqual([[id, 'a']]);
    expect(await builder).toEqual([{ id, name: 'a' }]);
  });

  it('see writes and schema changes made after the same SQL ran before', async () => {
    const db = await withUsers();
    await rawRows(db, sql`CREATE TABLE statement_probe (id INTEGER PRIMARY KEY, name TEXT)`);
    await rawRows(db, sql`INSERT INTO statement_probe (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    const total = async () => (await rawRows<[number]>(db, sql`SELECT count(*) FROM statement_probe`))[0]![0];
    expect(await total()).toBe(3);
    await rawRows(db, sql`INSERT INTO statement_probe (id, name) VALUES (${4}, ${'d'})`);
    await rawRows(db, sql`ALTER TABLE statement_probe ADD COLUMN extra TEXT`);
    expect(await total()).toBe(4);
    expect(await rowObjects(db, sql`SELECT * FROM statement_probe WHERE id = ${4}`)).toEqual([{ id: 4, name: 'd', extra: null }]);
  });

  it('run on the transaction connection inside a transaction', async () => {
    const db = await withUsers();
    await db.transaction(async (tx) => {
      await tx.insert(users).values({ email: 'inside@example.org', name: 'inside', createdAt: 1 });
      expect(await rawRows(tx, sql`SELECT name FROM users`)).toEqual([['inside']]);
      expect(await rowObjects(tx, sql`SELECT name FROM users`)).toEqual([{ name: 'inside' }]);
    });
  });
});

describe('streamRows', () => {
  it('streams the rows of a drizzle query or raw SQL as arrays of values', async () => {
    const db = await withUsers('a', 'b', 'c');
    const streamed: unknown[][] = [];
    for await (const row of streamRows(db, db.select({ name: users.name, createdAt: users.createdAt }).from(users).orderBy(asc(users.id)))) streamed.push(row);
    expect(streamed).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const raw: unknown[][] = [];
    for await (const row of streamRows(db, sql`SELECT name FROM users WHERE created_at > ${1} ORDER BY id`)) raw.push(row);
    expect(raw).toEqual([['b'], ['c']]);
  });

  it('leaves the same SQL free for other requests while a stream is half read', async () => {
    const db = await withUsers('a', 'b');
    const query = sql`SELECT name FROM users ORDER BY id`;
    const rows = streamRows(db, query)[Symbol.asyncIterator]();
    expect((await rows.next()).value).toEqual(['a']);
    // Another export or page running the same query meanwhile must not fail ("statement is busy").
    expect(await rawRows(db, query)).toEqual([['a'], ['b']]);
    expect(await names(db)).toEqual(['a', 'b']);
    expect((await rows.next()).value).toEqual(['b']);
    expect((await rows.next()).done).toBe(true);
  });
});

describe('transactions', () => {
  it("never show a reader another request's open transaction", async () => {
    const db = await withUsers('before');
    const inserted = gate();
    const release = gate();
    const running = db.transaction(async (tx) => {
      await tx.insert(users).values({ email: 'pending@example.org', name: 'pending', createdAt: 2 });
      inserted.open();
      await release.opened;
    });
    await inserted.opened;
    // Read outside the transaction while it is open: committed data only, and no waiting for it.
    expect(await names(db)).toEqual(['before']);
    expect(await rawRows(db, sql`SELECT count(*) FROM users`)).toEqual([[1]]);
    release.open();
    await running;
    expect(await names(db)).toEqual(['before', 'pending']);
  });

  it('lose no update when several read-then-write transactions run at once', async () => {
    const db = await withUsers();
    await db.insert(versions).values({ name: 'counter', value: 0 });
    const bump = () =>
      db.transaction(async (tx) => {
        const [row] = await tx.select({ value: versions.value }).from(versions).where(eq(versions.name, 'counter'));
        // Give the other transactions every chance to read the same value in between.
        await new Promise((resolve) => setTimeout(resolve, 1));
        await tx
          .update(versions)
          .set({ value: row!.value + 1 })
          .where(eq(versions.name, 'counter'));
      });
    await Promise.all(Array.from({ length: 8 }, bump));
    expect(await db.select({ value: versions.value }).from(versions)).toEqual([{ value: 8 }]);
    const [{ n }] = (await db.select({ n: count() }).from(versions)) as [{ n: number }];
    expect(n).toBe(1);
  });
});
