import { describe, expect, it } from 'vitest';
import { connectionOf, iterateRows, openDatabase, preparedPerConnection } from '../../server/db/client.ts';

// The connection reuses compiled statements (server/db/client.ts); callers must not be able
// to tell, apart from speed.

function database() {
  const db = openDatabase(':memory:');
  db.$client.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b'), ('c');");
  return db.$client;
}

describe('statement reuse', () => {
  it('hands out the statement already compiled for the same SQL', () => {
    const sqlite = database();
    const first = sqlite.prepare('SELECT name FROM t WHERE id = ?');
    expect(sqlite.prepare('SELECT name FROM t WHERE id = ?')).toBe(first);
    expect(sqlite.prepare('SELECT id FROM t WHERE id = ?')).not.toBe(first);
  });

  it('returns rows as objects again after a caller asked for raw rows or a single column', () => {
    const sqlite = database();
    expect(sqlite.prepare('SELECT id, name FROM t WHERE id = ?').raw().get(1)).toEqual([1, 'a']);
    expect(sqlite.prepare('SELECT id, name FROM t WHERE id = ?').get(1)).toEqual({ id: 1, name: 'a' });
    expect(sqlite.prepare('SELECT id, name FROM t WHERE id = ?').pluck().get(2)).toBe(2);
    expect(sqlite.prepare('SELECT id, name FROM t WHERE id = ?').get(2)).toEqual({ id: 2, name: 'b' });
  });

  it('gives a fresh statement while the kept one is still being iterated', () => {
    const sqlite = database();
    const rows = sqlite.prepare('SELECT name FROM t ORDER BY id').iterate();
    expect(rows.next().value).toEqual({ name: 'a' });
    // The same query again (another export starting) must not fail with "statement is busy".
    expect(sqlite.prepare('SELECT name FROM t ORDER BY id').all()).toHaveLength(3);
    expect([...rows]).toEqual([{ name: 'b' }, { name: 'c' }]);
  });

  it('streams rows with a statement of its own, so a holder of the same SQL is never blocked', () => {
    const db = openDatabase(':memory:');
    db.$client.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b');");
    const query = { toSQL: () => ({ sql: 'SELECT name FROM t ORDER BY id', params: [] }) };
    const held = db.$client.prepare('SELECT name FROM t ORDER BY id'); // e.g. a prepared hot query
    const rows = iterateRows(db, query);
    expect(rows.next().value).toEqual({ name: 'a' });
    expect(held.all()).toHaveLength(2); // would throw "busy" if the stream had taken the kept one
    expect([...rows]).toEqual([{ name: 'b' }]);
  });

  it('sees writes and schema changes made after it compiled a statement', () => {
    const sqlite = database();
    const count = () => sqlite.prepare('SELECT count(*) AS n FROM t').get();
    expect(count()).toEqual({ n: 3 });
    sqlite.prepare('INSERT INTO t (name) VALUES (?)').run('d');
    sqlite.exec('ALTER TABLE t ADD COLUMN extra TEXT');
    expect(count()).toEqual({ n: 4 });
    expect(sqlite.prepare('SELECT * FROM t WHERE id = ?').get(4)).toEqual({ id: 4, name: 'd', extra: null });
  });
});

describe('preparedPerConnection', () => {
  it('finds the connection under a database and inside (nested) transactions', () => {
    const db = openDatabase(':memory:');
    expect(connectionOf(db)).toBe(db.$client);
    db.transaction((tx) => {
      expect(connectionOf(tx)).toBe(db.$client);
      tx.transaction((nested) => expect(connectionOf(nested)).toBe(db.$client));
    });
  });

  it('builds once per connection, and its statements take part in the open transaction', () => {
    const db = openDatabase(':memory:');
    db.$client.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    let builds = 0;
    const insert = preparedPerConnection((d) => {
      builds++;
      return connectionOf(d).prepare('INSERT INTO t (name) VALUES (?)');
    });
    insert(db).run('outside');
    expect(() =>
      db.transaction((tx) => {
        insert(tx).run('rolled back');
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(builds).toBe(1);
    expect(db.$client.prepare('SELECT name FROM t').pluck().all()).toEqual(['outside']);
    const other = openDatabase(':memory:');
    other.$client.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    expect(insert(other)).not.toBe(insert(db)); // another connection has its own
    expect(builds).toBe(2);
  });
});
