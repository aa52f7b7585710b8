import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../server/db/client.ts';
import { copySqliteToPostgres } from '../../server/db/copy.ts';
import { courses, moduleProgress, users } from '../../server/db/schema.ts';
import { ROOT } from '../helpers.ts';
import { onPostgres, testDatabaseEnv } from '../support/database.ts';

// npm run db:copy moves a SQLite installation to PostgreSQL: the source is built here straight
// on better-sqlite3 with the SQLite migrations (this test process runs on PostgreSQL), with the
// column kinds that differ between the engines: booleans, JSON, a self-reference, identities.

describe.runIf(onPostgres)('copying a SQLite installation to PostgreSQL', () => {
  let folder: string;
  let source: string;
  let target: string;
  let db: Db;

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'db-copy-'));
    source = path.join(folder, 'platform.sqlite');
    const sqlite = new Database(source);
    migrate(drizzle(sqlite), { migrationsFolder: path.join(ROOT, 'migrations/sqlite') });
    const now = 1_790_000_000_000;
    const insertUser = sqlite.prepare('INSERT INTO users (id, email, name, password_hash, created_by, created_at) VALUES (?, ?, ?, NULL, ?, ?)');
    // The trainer (id 7) was made after the teacher they created (id 3 has created_by 7): a
    // forward reference that a plain ordered copy would refuse.
    insertUser.run(3, 'teacher@school.example', 'Nivi Olsen', null, now);
    insertUser.run(7, 'trainer@school.example', 'Malik Berthelsen', null, now);
    sqlite.prepare('UPDATE users SET created_by = 7 WHERE id = 3').run();
    sqlite.prepare("INSERT INTO user_roles (user_id, role) VALUES (3, 'teacher'), (7, 'trainer')").run();
    sqlite
      .prepare(
        "INSERT INTO courses (id, slug, title, summary, language, licence, authors, hours, sequential, certificate, archived, updated_at) VALUES (5, 'c', 'Course', 'S', 'en', 'CC-BY-4.0', '[\"A. Author\"]', 2.5, 1, 0, 0, ?)",
      )
      .run(now);
    sqlite
      .prepare(
        "INSERT INTO modules (id, course_id, slug, position, title, minutes, body_html, quiz, archived, updated_at) VALUES (9, 5, 'm', 1, 'M', 10, '<p>x</p>', ?, 0, ?)",
      )
      .run(JSON.stringify({ passMark: 80, questions: [] }), now);
    sqlite
      .prepare(
        "INSERT INTO module_progress (user_id, module_id, status, quiz_passed, attempts, first_viewed_at, last_activity_at) VALUES (3, 9, 'in_progress', 1, 2, ?, ?)",
      )
      .run(now, now);
    sqlite.close();
    // A new installation's database: every table there and empty.
    target = (await testDatabaseEnv()).DATABASE_URL as string;
  });

  afterAll(async () => {
    if (db) await closeDatabase(db);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('copies every table with its values and verifies the counts', async () => {
    const report = await copySqliteToPostgres(source, target);
    expect(report.find((t) => t.table === 'users')).toEqual({ table: 'users', source: 2, target: 2 });
    expect(report.every((t) => t.source === t.target)).toBe(true);
    expect(report.map((t) => t.table)).toContain('learning_records');

    db = await openDatabase(target, { poolSize: 2 });
    const [teacher] = await db.select().from(users).where(eq(users.id, 3));
    expect(teacher?.createdBy).toBe(7);
    const [course] = await db.select().from(courses);
    expect(course).toMatchObject({ sequential: true, certificate: false, authors: ['A. Author'], hours: 2.5 });
    const [progress] = await db.select().from(moduleProgress);
    expect(progress).toMatchObject({ quizPassed: true, attempts: 2 });
    // New rows continue after the copied ids.
    const [made] = await db.insert(users).values({ email: 'new@school.example', name: 'New', createdAt: Date.now() }).returning({ id: users.id });
    expect(made?.id).toBe(8);
  });

  it('refuses a target that already has data, and leaves it as it was', async () => {
    await expect(copySqliteToPostgres(source, target)).rejects.toThrow(/not empty: table \w+ has \d+ rows/);
    expect((await db.select().from(users)).length).toBe(3);
  });
});
