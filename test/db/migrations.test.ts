import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import sqliteConfig from '../../drizzle.config.ts';
import pgConfig from '../../drizzle.config.pg.ts';
import { closeDatabase, type Db, migrateDatabase, openMigratedDatabase, rowObjects } from '../../server/db/client.ts';
import { databaseUrl, onPostgres } from '../support/database.ts';

// Each engine has its own drizzle-kit migrations: migrations/sqlite (moved there from
// migrations/, unchanged) and migrations/postgres.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENGINES = [
  { engine: 'SQLite', config: sqliteConfig },
  { engine: 'PostgreSQL', config: pgConfig },
];
const SQLITE_FOLDER = path.join(ROOT, sqliteConfig.out!);
const POSTGRES_FOLDER = path.join(ROOT, pgConfig.out!);

/**
 * What drizzle's migrator recorded in __drizzle_migrations for each SQLite migration shipped
 * before the move: the SHA-256 of the file and the journal's time. It skips every migration not
 * newer than the last time recorded, so existing databases stay up to date as long as these
 * files and times never change (0002 carries hand-written back-fills: never regenerate it).
 */
const SHIPPED = [
  { tag: '0000_init', when: 1795383949925, hash: 'c7bcec403108ded48e926dc0a7afc4f7af47a2b6aa061c9803bd6232f3908049' },
  { tag: '0001_evidence_user_index', when: 1795388199064, hash: 'a92f65f763480b5c2606b56e37c4734ea84726e00ab99aa4d806ad64d7a2310a' },
  { tag: '0002_security_accounts', when: 1795996488498, hash: '7fa67bd13a8b089060b159b4d6960e3c752092b34fde66676adcf71be273ccbc' },
  { tag: '0003_quiz_idempotency', when: 1795997853697, hash: '6c3c75307359094875fe1a302c9c3f58f4c5cdcbc02b50c5c2f44603d8de1254' },
];

interface Journal {
  dialect: string;
  entries: { idx: number; when: number; tag: string }[];
}
const journalOf = (folder: string): Journal => JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8'));

const temporary: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-test-'));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the SQLite migrations laid out as before the move (one flat folder), up to `count` entries. */
function oldLayout(count = SHIPPED.length): string {
  const folder = path.join(tempDir(), 'migrations');
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const journal = journalOf(SQLITE_FOLDER);
  journal.entries = journal.entries.filter((e) => SHIPPED.some((s) => s.tag === e.tag)).slice(0, count);
  for (const { tag } of journal.entries) fs.copyFileSync(path.join(SQLITE_FOLDER, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return folder;
}

interface Applied {
  hash: string;
  created_at: number;
}
function applied(sqlite: Database.Database): Applied[] {
  return sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at').all() as Applied[];
}
const schemaOf = (sqlite: Database.Database) => sqlite.prepare(SCHEMA_SQL).all();
const SCHEMA_SQL = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name";

/** What drizzle's migrator recorded in a database opened by openDatabase (its table is drizzle.__drizzle_migrations on PostgreSQL). */
async function appliedIn(db: Db): Promise<Applied[]> {
  const rows = await rowObjects<Applied>(
    db,
    onPostgres
      ? sql`SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at`
      : sql`SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at`,
  );
  return rows.map((r) => ({ hash: r.hash, created_at: Number(r.created_at) }));
}

/** A new, empty database of the engine this run tests, migrated by openMigratedDatabase, and how to drop it. */
async function newMigratedDatabase(): Promise<{ db: Db; drop(): Promise<void> }> {
  if (!onPostgres) {
    const db = await openMigratedDatabase(path.join(tempDir(), 'new.sqlite'));
    return { db, drop: () => closeDatabase(db) };
  }
  const name = `migrations_test_${process.pid}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const db = await openMigratedDatabase(databaseUrl(name), { poolSize: 2 });
  return {
    db,
    async drop() {
      await closeDatabase(db);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('migration folders', () => {
  it.each(ENGINES)('list every $engine migration in the journal, in order, each with its snapshot', ({ config }) => {
    const folder = path.join(ROOT, config.out!);
    const journal = journalOf(folder);
    expect(journal.dialect).toBe(config.dialect);
    expect(journal.entries.length).toBeGreaterThan(0);
    const tags = journal.entries.map((e) => e.tag);
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('.sql'));
    expect(files.sort()).toEqual(tags.map((t) => `${t}.sql`).sort());
    journal.entries.forEach((entry, i) => {
      expect(entry.idx).toBe(i);
      expect(entry.tag.startsWith(String(i).padStart(4, '0'))).toBe(true);
      if (i > 0) expect(entry.when).toBeGreaterThan(journal.entries[i - 1].when);
      expect(fs.existsSync(path.join(folder, `meta/${entry.tag.slice(0, 4)}_snapshot.json`)), entry.tag).toBe(true);
    });
  });

  // drizzle-kit writes only into a copy of the folder here, so the check leaves the tree as it was.
  it.each(ENGINES)('leave drizzle-kit nothing to generate for the $engine schema', ({ config }) => {
    const copy = path.join(tempDir(), 'out');
    fs.cpSync(path.join(ROOT, config.out!), copy, { recursive: true });
    const before = fs.readdirSync(copy, { recursive: true }).sort();
    const bin = path.join(ROOT, 'node_modules/drizzle-kit/bin.cjs');
    // drizzle-kit puts "./" before --out, so the copy is named relative to the project.
    const args = ['generate', '--dialect', config.dialect, '--schema', String(config.schema), '--out', path.relative(ROOT, copy)];
    execFileSync(process.execPath, [bin, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    expect(fs.readdirSync(copy, { recursive: true }).sort()).toEqual(before);
  });
});

describe('SQLite migrations in migrations/sqlite', () => {
  it('keep every migration shipped before the move byte for byte, as databases recorded them', () => {
    const journal = journalOf(SQLITE_FOLDER);
    for (const shipped of SHIPPED) {
      const entry = journal.entries.find((e) => e.tag === shipped.tag);
      expect(entry?.when, shipped.tag).toBe(shipped.when);
      const hash = createHash('sha256')
        .update(fs.readFileSync(path.join(SQLITE_FOLDER, `${shipped.tag}.sql`)))
        .digest('hex');
      expect(hash, shipped.tag).toBe(shipped.hash);
    }
  });

  // The two tests below open SQLite files made before the move: a PostgreSQL run cannot open
  // SQLite databases (engine.ts), and the PostgreSQL migrations have no such history.
  it.skipIf(onPostgres)('find a database migrated before the move up to date: nothing runs again', async () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: oldLayout() });
    expect(applied(old)).toEqual(SHIPPED.map((s) => ({ hash: s.hash, created_at: s.when })));
    old.prepare("INSERT INTO users (email, name, created_at) VALUES ('kept@example.org', 'Kept', 1)").run();
    const schema = schemaOf(old);
    old.close();

    const db = await openMigratedDatabase(file); // throws if a migration ran again (tables exist)
    try {
      // 0004 (coordination tables) came after the move: it is the only one that runs.
      const journal = journalOf(SQLITE_FOLDER);
      const after = journal.entries.filter((e) => !SHIPPED.some((s) => s.tag === e.tag));
      const expected = [
        ...SHIPPED.map((s) => ({ hash: s.hash, created_at: s.when })),
        ...after.map((e) => ({ hash: sha256(path.join(SQLITE_FOLDER, `${e.tag}.sql`)), created_at: e.when })),
      ];
      expect(await appliedIn(db)).toEqual(expected);
      // Every object the old database had is still there as it was, except tables a later migration
      // altered or rebuilt (DROP TABLE and a copy), and their indexes.
      const altered = new Set(
        after.flatMap((e) => [...fs.readFileSync(path.join(SQLITE_FOLDER, `${e.tag}.sql`), 'utf8').matchAll(/(?:ALTER|DROP) TABLE `(\w+)`/g)].map((m) => m[1])),
      );
      const isAltered = (name: string) => [...altered].some((t) => name === t || name.startsWith(`${t}_`));
      const kept = (schema as { name: string }[]).filter((o) => !isAltered(o.name));
      const now = await rowObjects(db, sql.raw(SCHEMA_SQL));
      expect(now.filter((o) => kept.some((old) => old.name === (o as { name: string }).name))).toEqual(kept);
      expect(altered.size).toBeLessThan(schema.length);
      expect(await rowObjects(db, sql`SELECT email FROM users`)).toEqual([{ email: 'kept@example.org' }]);
    } finally {
      await closeDatabase(db);
    }
  });

  it.skipIf(onPostgres)('bring a database left at 0001 to the end, back-fills of 0002 included', async () => {
    const file = path.join(tempDir(), 'halfway.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: oldLayout(2) });
    old.exec(`INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'trainer@example.org', 'T', 'hash', 100);
      INSERT INTO users (id, email, name, created_at) VALUES (2, 'pending@example.org', 'P', 200);
      INSERT INTO one_time_tokens (id, purpose, user_id, created_by, created_at) VALUES ('t', 'signin', 2, 1, 300);`);
    old.close();

    const db = await openMigratedDatabase(file);
    try {
      const journal = journalOf(SQLITE_FOLDER);
      expect((await appliedIn(db)).map((r) => r.hash)).toEqual(journal.entries.map((e) => sha256(path.join(SQLITE_FOLDER, `${e.tag}.sql`))));
      expect((await appliedIn(db)).slice(0, SHIPPED.length).map((r) => r.hash)).toEqual(SHIPPED.map((s) => s.hash));
      expect(await rowObjects(db, sql`SELECT id, email_verified_at, created_by FROM users ORDER BY id`)).toEqual([
        { id: 1, email_verified_at: 100, created_by: null },
        { id: 2, email_verified_at: null, created_by: 1 },
      ]);
    } finally {
      await closeDatabase(db);
    }
  });
});

/** A copy of migrations/sqlite with the migrations before `tag` only. */
function sqliteLayoutBefore(tag: string): string {
  const folder = path.join(tempDir(), 'migrations');
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const journal = journalOf(SQLITE_FOLDER);
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === tag),
  );
  for (const e of journal.entries) fs.copyFileSync(path.join(SQLITE_FOLDER, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return folder;
}

describe('0010 evidence kinds and 0011 standings (SQLite)', () => {
  it.skipIf(onPostgres)('keeps every evidence row, as knowledge checked by a quiz of its module', async () => {
    const file = path.join(tempDir(), 'evidence.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: sqliteLayoutBefore('0010_evidence_kinds') });
    old.exec(`INSERT INTO users (id, email, name, created_at) VALUES (1, 'teacher@example.org', 'T', 1);
      INSERT INTO courses (id, slug, title, summary, language, licence, authors, hours, updated_at) VALUES (1, 'c', 'C', 'S', 'en', 'CC', '[]', 1, 1);
      INSERT INTO modules (id, course_id, slug, position, title, minutes, body_html, updated_at) VALUES (7, 1, 'm', 1, 'M', 10, '', 1);
      INSERT INTO competency_evidence (user_id, competency, module_id, course_id, created_at) VALUES (1, 'KA.1', 7, 1, 50), (1, 'KD.2', 7, 1, 60);`);
    old.close();
    const db = await openMigratedDatabase(file);
    try {
      expect(
        await rowObjects(db, sql`SELECT competency, kind, module_id, course_id, source, assessor_id, created_at FROM competency_evidence ORDER BY id`),
      ).toEqual([
        { competency: 'KA.1', kind: 'quiz', module_id: 7, course_id: 1, source: 'module:7', assessor_id: null, created_at: 50 },
        { competency: 'KD.2', kind: 'quiz', module_id: 7, course_id: 1, source: 'module:7', assessor_id: null, created_at: 60 },
      ]);
      // 0011 rolls them up: bit 0 is KA.1, bit 4 KD.2 (COMPETENCIES order).
      expect(await rowObjects(db, sql`SELECT user_id, quiz, assessed, participation, recognised FROM competency_standings`)).toEqual([
        { user_id: 1, quiz: 17, assessed: 0, participation: 0, recognised: 0 },
      ]);
    } finally {
      await closeDatabase(db);
    }
  });
});

describe(`a new database (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('gets every migration of its engine, recorded with the hash of its file, and nothing again on a second run', async () => {
    const folder = onPostgres ? POSTGRES_FOLDER : SQLITE_FOLDER;
    const journal = journalOf(folder);
    const { db, drop } = await newMigratedDatabase();
    try {
      const rows = await appliedIn(db);
      expect(rows.map((r) => r.created_at)).toEqual(journal.entries.map((e) => e.when));
      expect(rows.map((r) => r.hash)).toEqual(journal.entries.map((e) => sha256(path.join(folder, `${e.tag}.sql`))));
      await migrateDatabase(db); // another instance starting: nothing to do
      expect(await appliedIn(db)).toEqual(rows);
    } finally {
      await drop();
    }
  });
});
