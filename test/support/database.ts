import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closeDatabase, type Db, openDatabase, openMigratedDatabase } from '../../server/db/client.ts';
import { ENGINE } from '../../server/db/engine.ts';

// A fresh, migrated database per test context, on the engine this run tests (engine.ts):
// SQLite files in a folder of the test process (files, not ':memory:', so the reader and
// writer connections of production are what the tests exercise), or PostgreSQL databases
// copied from a template that test/support/global-setup.ts migrates once per run
// (its name arrives in TEST_TEMPLATE_DATABASE).

export const onPostgres = ENGINE === 'postgres';

/** The URL of another database on the same PostgreSQL server. */
export function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${name}`;
  return url.toString();
}

let folder: string | undefined;
let admin: Promise<pg.Client> | undefined;
let counter = 0;
const opened: { db?: Db; name?: string }[] = [];

function sqliteFolder(): string {
  if (!folder) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-'));
    folder = made;
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return folder;
}

function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  })();
  return admin;
}

/**
 * The environment for a server process of its own (start(), a child process) on a new empty
 * database of this run's engine: DATABASE_PATH of a fresh file, or DATABASE_URL of a fresh
 * PostgreSQL database (migrated; dropped with the file's others).
 */
export async function testDatabaseEnv(): Promise<Record<string, string>> {
  counter++;
  if (!onPostgres) return { DATABASE_PATH: path.join(sqliteFolder(), `${counter}.sqlite`) };
  const name = `test_${process.pid}_${counter}`;
  await (await adminClient()).query(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_TEMPLATE_DATABASE}`);
  opened.push({ name });
  return { DATABASE_URL: databaseUrl(name) };
}

/** A new empty database with every migration applied. */
export async function testDatabase(): Promise<Db> {
  const env = await testDatabaseEnv();
  // A SQLite file is migrated here; a PostgreSQL copy of the template already is.
  const db = env.DATABASE_URL ? await openDatabase(env.DATABASE_URL, { poolSize: 4 }) : await openMigratedDatabase(env.DATABASE_PATH as string);
  opened.push({ db });
  return db;
}

/** Closes every database this test file opened and drops the PostgreSQL ones (run after each file). */
export async function dropTestDatabases(): Promise<void> {
  const all = opened.splice(0);
  await Promise.all(all.map(({ db }) => db && closeDatabase(db).catch(() => undefined)));
  if (!onPostgres) return;
  const client = await adminClient();
  for (const { name } of all) if (name) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
