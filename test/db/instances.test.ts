import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, isNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerBody } from '../../bench/lib/seed.ts';
import { type ServerProcess, startPlatform } from '../../bench/lib/server-process.ts';
import { closeDatabase, type Db, openDatabase } from '../../server/db/client.ts';
import { certificates, competencyEvidence, courses, learningRecords, moduleCompetencies, moduleProgress, modules } from '../../server/db/schema.ts';
import { makeUser, PASSWORD, ROOT } from '../helpers.ts';
import { onPostgres, testDatabaseEnv } from '../support/database.ts';

// Two real app processes on one PostgreSQL database, as behind a load balancer: nothing a
// request needs may live in one instance's memory alone. (On SQLite the platform is one process.)

async function post(base: string, pathName: string, body: string, cookie?: string): Promise<Response> {
  return fetch(`${base}${pathName}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body,
  });
}

async function signIn(base: string, email: string, password = PASSWORD): Promise<Response> {
  return post(base, '/login', new URLSearchParams({ email, password }).toString());
}

function sessionCookie(res: Response): string {
  // The servers run as in production, where the cookie is __Host-session.
  const line = res.headers.getSetCookie().find((l) => /^(__Host-)?session=/.test(l));
  if (!line) throw new Error(`no session cookie (status ${res.status})`);
  return line.split(';')[0] as string;
}

describe.runIf(onPostgres)('several app instances on one PostgreSQL database', () => {
  let db: Db;
  let env: Record<string, string>;
  let coursesDir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  const start = () => startPlatform({ database: env.DATABASE_URL as string, env: { COURSES_PATH: coursesDir } });

  beforeAll(async () => {
    env = await testDatabaseEnv();
    coursesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instances-courses-'));
    fs.cpSync(path.join(ROOT, 'courses'), coursesDir, { recursive: true });
    // Both start at the same moment: migrations and the course sync take turns (an advisory lock).
    [a, b] = await Promise.all([start(), start()]);
    db = await openDatabase(env.DATABASE_URL as string, { poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (db) await closeDatabase(db);
    fs.rmSync(coursesDir, { recursive: true, force: true });
  });

  it('loads every course once when both start together', async () => {
    const rows = await db.select({ slug: courses.slug }).from(courses);
    const packages = fs.readdirSync(coursesDir).filter((name) => fs.existsSync(path.join(coursesDir, name, 'course.yaml')));
    expect(rows.map((r) => r.slug).sort()).toEqual(packages.sort());
  });

  it('accepts on one instance a session made on the other', async () => {
    const user = await makeUser(db, { name: 'Aputsiaq Kleist' });
    const login = await signIn(a.url, user.email);
    expect(login.status).toBe(303);
    const dashboard = await fetch(`${b.url}/dashboard`, { headers: { cookie: sessionCookie(login) }, redirect: 'manual' });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Aputsiaq Kleist');
  });

  it('counts failed sign-ins made on both instances against one limit', async () => {
    const user = await makeUser(db);
    const statuses: number[] = [];
    // The account-and-address limit is 10 failures per 15 minutes: 5 on each, then the 11th anywhere is refused.
    for (let i = 0; i < 10; i++) statuses.push((await signIn(i % 2 ? b.url : a.url, user.email, 'wrong password here')).status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect((await signIn(a.url, user.email, 'wrong password here')).status).toBe(429);
    expect((await signIn(b.url, user.email)).status).toBe(429);
  });

  it('records each completion once when teachers complete through both instances at once', async () => {
    const [course] = await db
      .select()
      .from(courses)
      .where(and(eq(courses.certificate, true), eq(courses.archived, false)))
      .orderBy(courses.id)
      .limit(1);
    if (!course) throw new Error('no certificate course');
    const mods = await db
      .select()
      .from(modules)
      .where(and(eq(modules.courseId, course.id), eq(modules.archived, false)))
      .orderBy(modules.position);
    const teachers = await Promise.all([1, 2, 3].map(() => makeUser(db)));
    const cookies = await Promise.all(teachers.map(async (t) => sessionCookie(await signIn(a.url, t.email))));
    for (const cookie of cookies) expect((await post(a.url, `/courses/${course.slug}/enrol`, '', cookie)).status).toBe(303);

    for (const m of mods) {
      const action = m.quiz ? `/courses/${course.slug}/${m.slug}/quiz` : `/courses/${course.slug}/${m.slug}/complete`;
      const body = m.quiz ? answerBody(m.quiz) : '';
      // Every teacher completes the module through both instances at the same moment.
      const answers = await Promise.all(cookies.flatMap((cookie) => [post(a.url, action, body, cookie), post(b.url, action, body, cookie)]));
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 303));
    }

    const competencies = await db.select().from(moduleCompetencies);
    const expectedEvidence = mods.reduce((n, m) => n + competencies.filter((c) => c.moduleId === m.id).length, 0);
    for (const teacher of teachers) {
      const progress = await db.select().from(moduleProgress).where(eq(moduleProgress.userId, teacher.id));
      expect(
        progress
          .filter((p) => p.status === 'completed')
          .map((p) => p.moduleId)
          .sort(),
      ).toEqual(mods.map((m) => m.id).sort());
      const evidence = await db.select().from(competencyEvidence).where(eq(competencyEvidence.userId, teacher.id));
      expect(evidence).toHaveLength(expectedEvidence);
      const issued = await db
        .select()
        .from(certificates)
        .where(and(eq(certificates.userId, teacher.id), eq(certificates.courseId, course.id)));
      expect(issued).toHaveLength(1);
      expect(issued.filter((c) => c.replacedByCode === null)).toHaveLength(1);
      const completions = await db
        .select({ moduleId: learningRecords.moduleId })
        .from(learningRecords)
        .where(and(eq(learningRecords.userId, teacher.id), like(learningRecords.verb, '%/completed')));
      const moduleCompletions = completions.filter((r) => r.moduleId !== null).map((r) => r.moduleId);
      expect(moduleCompletions.sort()).toEqual(mods.map((m) => m.id).sort());
      expect(
        (
          await db
            .select()
            .from(certificates)
            .where(and(eq(certificates.userId, teacher.id), isNull(certificates.revokedAt)))
        ).length,
      ).toBe(1);
    }
  }, 120_000);

  it('serves on one instance a course edit that the other loaded', async () => {
    const [course] = await db.select().from(courses).where(eq(courses.archived, false)).orderBy(courses.id).limit(1);
    if (!course) throw new Error('no course');
    const before = await (await fetch(`${b.url}/courses/${course.slug}`)).text();
    expect(before).toContain(course.title);
    const file = path.join(coursesDir, course.slug, 'course.yaml');
    const edited = `${course.title} (2027 edition)`;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title: .*$/m, `title: ${JSON.stringify(edited)}`));
    // Instance A restarts with the edited package and loads it; B keeps running.
    await a.stop();
    a = await start();
    let page = '';
    for (let tries = 0; tries < 50 && !page.includes(edited); tries++) {
      page = await (await fetch(`${b.url}/courses/${course.slug}`)).text();
      if (!page.includes(edited)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(page).toContain(edited);
  }, 60_000);
});
