import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession } from '../../server/auth/sessions.ts';
import { issueCertificate } from '../../server/certificates/issue.ts';
import { getCatalogue, type CatalogueCourse, type CatalogueModule } from '../../server/courses/catalogue.ts';
import { loadCourses } from '../../server/courses/loader.ts';
import { openMigratedDatabase } from '../../server/db/client.ts';
import type { Quiz } from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';

// A realistic population for the page benchmark: teachers enrolled in one to three of the
// sample courses, part way through them (progress, quiz attempts, evidence, xAPI records),
// about a quarter with a finished course and its certificate, a few cohorts. Raw prepared
// statements in one transaction keep 10,000 teachers to a couple of seconds; certificates
// go through the real issueCertificate so their rows are exactly what the app writes.

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH_BASE_URL = 'http://bench.invalid';
const ISSUER = 'ICT-CFT Teacher Platform';
const DAY = 24 * 3600 * 1000;

/** One first completion the benchmark may perform: a teacher passing a module's quiz. */
export interface CompletionPair {
  userId: number;
  token: string;
  moduleId: number;
  path: string; // /courses/<c>/<m>/quiz
  body: string; // the right answers as the quiz form sends them
}

export interface Pools {
  modulePages: { token: string; path: string }[];
  signedIn: string[]; // tokens of teachers with at least one enrolment
  certificates: { code: string; ownerToken: string }[];
  completions: CompletionPair[];
}

export interface Seeded {
  dir: string;
  databasePath: string;
  seconds: number;
  counts: Record<string, number>;
  pools: Pools;
  /** competencies of every module, for the evidence check */
  competencies: Map<number, string[]>;
}

/** mulberry32: small, fast and seeded, so two runs build the same population. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function correctAnswers(quiz: Quiz): Record<string, string[]> {
  return Object.fromEntries(quiz.questions.map((q) => [q.id, q.options.filter((o) => o.correct).map((o) => o.id)]));
}

/** The quiz form body with every right answer: q.<question>=<option>, repeated for multiple choice. */
export function answerBody(quiz: Quiz): string {
  const fields = new URLSearchParams();
  for (const [question, options] of Object.entries(correctAnswers(quiz))) for (const option of options) fields.append(`q.${question}`, option);
  return fields.toString();
}

function statement(userId: number, verb: keyof typeof VERBS, course: CatalogueCourse, module: CatalogueModule | null, at: number) {
  const id = crypto.randomUUID();
  const courseIri = `${BENCH_BASE_URL}/courses/${course.slug}`;
  const object = module
    ? {
        objectType: 'Activity',
        id: `${courseIri}/${module.slug}`,
        definition: { name: { und: module.title }, type: 'http://adlnet.gov/expapi/activities/module' },
      }
    : { objectType: 'Activity', id: courseIri, definition: { name: { und: course.title }, type: 'http://adlnet.gov/expapi/activities/course' } };
  const json = {
    id,
    actor: { objectType: 'Agent', account: { homePage: BENCH_BASE_URL, name: String(userId) } },
    verb: { id: VERBS[verb], display: { 'en-US': verb } },
    object,
    ...(verb === 'completed' ? { result: { completion: true } } : {}),
    timestamp: new Date(at).toISOString(),
  };
  return [id, userId, VERBS[verb], course.id, module?.id ?? null, JSON.stringify(json), at] as const;
}

function shuffle<T>(list: T[], rnd: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

export function seedDatabase(options: { teachers: number; seed?: number; dir?: string }): Seeded {
  const started = performance.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pdp-bench-'));
  const databasePath = path.join(dir, 'bench.sqlite');
  const db = openMigratedDatabase(databasePath);
  const sqlite = db.$client;
  loadCourses(db, path.join(ROOT, 'courses'));
  const catalogue = getCatalogue(db);
  const rnd = random(options.seed ?? 20250110);
  const now = Date.now();

  const q = {
    user: sqlite.prepare('INSERT INTO users (id, email, name, school, region, country, language, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    role: sqlite.prepare('INSERT INTO user_roles (user_id, role) VALUES (?, ?)'),
    enrol: sqlite.prepare("INSERT INTO enrolments (user_id, course_id, status, enrolled_at, completed_at, last_activity_at) VALUES (?, ?, 'active', ?, ?, ?)"),
    progress: sqlite.prepare(
      'INSERT INTO module_progress (user_id, module_id, status, best_score, quiz_passed, attempts, first_viewed_at, completed_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    attempt: sqlite.prepare('INSERT INTO quiz_attempts (user_id, module_id, answers, score, passed, started_at, submitted_at) VALUES (?, ?, ?, 100, 1, ?, ?)'),
    evidence: sqlite.prepare(
      "INSERT INTO competency_evidence (user_id, competency, module_id, course_id, source, created_at) VALUES (?, ?, ?, ?, 'module', ?)",
    ),
    record: sqlite.prepare('INSERT INTO learning_records (id, user_id, verb, course_id, module_id, statement, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    cohort: sqlite.prepare("INSERT INTO cohorts (id, name, description, start_date, due_date, created_by, created_at) VALUES (?, ?, '', ?, NULL, ?, ?)"),
    cohortCourse: sqlite.prepare('INSERT INTO cohort_courses (cohort_id, course_id) VALUES (?, ?)'),
    cohortTrainer: sqlite.prepare('INSERT INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?)'),
    cohortMember: sqlite.prepare('INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)'),
  };
  const answersJson = new Map<number, string>();
  for (const course of catalogue.courses) for (const m of course.modules) if (m.quiz) answersJson.set(m.id, JSON.stringify(correctAnswers(m.quiz)));

  const counts = { teachers: options.teachers, enrolments: 0, progress: 0, evidence: 0, records: 0, certificates: 0, cohorts: 0, cohortMembers: 0 };
  const teacherIds: number[] = [];
  const finished: { userId: number; courseId: number }[] = [];
  const withProgress: { userId: number; course: CatalogueCourse; module: CatalogueModule }[] = [];
  const open: { userId: number; course: CatalogueCourse; module: CatalogueModule }[] = [];

  sqlite.transaction(() => {
    const staff = [1, 2, 3, 4, 5, 6]; // 1 admin, 5 trainers: the cohorts need trainers
    for (const id of staff) {
      q.user.run(id, `staff${id}@bench.example`, `Staff ${id}`, 'Institute', 'Region 1', 'Russia', 'en', now - 400 * DAY);
      q.role.run(id, id === 1 ? 'admin' : 'trainer');
    }
    for (let i = 0; i < options.teachers; i++) {
      const id = 100 + i;
      const joined = now - Math.floor((30 + rnd() * 300) * DAY);
      q.user.run(
        id,
        `teacher${i}@bench.example`,
        `Teacher ${i}`,
        `School ${i % 300}`,
        `Region ${i % 12}`,
        i % 5 === 0 ? 'Norway' : 'Russia',
        i % 3 ? 'en' : 'ru',
        joined,
      );
      q.role.run(id, 'teacher');
      teacherIds.push(id);
      let courses = catalogue.courses.filter(() => rnd() < 0.6);
      if (courses.length === 0) courses = [catalogue.courses[i % catalogue.courses.length]!];
      for (const course of courses) {
        const n = course.modules.length;
        const r = rnd();
        // A quarter finished the course, half are part way, a quarter only enrolled.
        const done = r < 0.25 ? n : r < 0.75 ? 1 + Math.floor(rnd() * (n - 1)) : 0;
        let at = joined + Math.floor(rnd() * 5 * DAY);
        const enrolledAt = at;
        q.record.run(...statement(id, 'registered', course, null, at));
        counts.records++;
        for (let k = 0; k < done; k++) {
          const m = course.modules[k]!;
          at += Math.floor((0.5 + rnd() * 3) * DAY);
          q.progress.run(id, m.id, 'completed', m.quiz ? 100 : null, m.quiz ? 1 : 0, m.quiz ? 1 : 0, at - 3600_000, at, at);
          if (m.quiz) q.attempt.run(id, m.id, answersJson.get(m.id)!, at - 1800_000, at);
          for (const code of m.competencies) q.evidence.run(id, code, m.id, course.id, at);
          q.record.run(...statement(id, 'completed', course, m, at));
          counts.progress++;
          counts.evidence += m.competencies.length;
          counts.records++;
          withProgress.push({ userId: id, course, module: m });
        }
        // Most who are part way have opened the next module too (no attempts, so the quiz is fresh).
        if (done < n && done > 0 && rnd() < 0.7) {
          const m = course.modules[done]!;
          q.progress.run(id, m.id, 'in_progress', null, 0, 0, at + 3600_000, null, at + 3600_000);
          counts.progress++;
          withProgress.push({ userId: id, course, module: m });
        }
        if (done === n) {
          q.record.run(...statement(id, 'completed', course, null, at));
          counts.records++;
          finished.push({ userId: id, courseId: course.id });
        }
        q.enrol.run(id, course.id, enrolledAt, done === n ? at : null, Math.max(at, enrolledAt));
        counts.enrolments++;
        // What the completion scenario may do: every open module of a free-order course, and
        // only the next one of a sequential course (later ones are locked).
        const remaining = course.sequential ? course.modules.slice(done, done + 1) : course.modules.slice(done);
        for (const m of remaining) open.push({ userId: id, course, module: m });
      }
    }
    const cohortCount = Math.max(1, Math.min(5, Math.floor(options.teachers / 100)));
    for (let c = 1; c <= cohortCount; c++) {
      const course = catalogue.courses[c % catalogue.courses.length]!;
      q.cohort.run(c, `Bench cohort ${c}`, '2025-01-15', 1 + c, now - 200 * DAY);
      q.cohortCourse.run(c, course.id);
      q.cohortTrainer.run(c, 1 + c);
      const size = Math.min(500, Math.floor(options.teachers / cohortCount));
      for (let k = 0; k < size; k++)
        counts.cohortMembers += q.cohortMember.run(c, teacherIds[(c * 977 + k * 13) % teacherIds.length]!, now - 200 * DAY).changes;
      counts.cohorts++;
    }
  })();
  // Seeded teachers have used their accounts: their addresses count as proven (certificates need it).
  sqlite.prepare('UPDATE users SET email_verified_at = created_at').run();

  // The real issuing code, in one transaction as the app would run it per completion.
  const codes: { code: string; userId: number }[] = [];
  db.transaction((tx) => {
    for (const f of finished) {
      const issued = issueCertificate(tx, { userId: f.userId, courseId: f.courseId, issuerName: ISSUER, now: now - DAY });
      if (issued) codes.push({ code: issued.code, userId: f.userId });
    }
  });
  counts.certificates = codes.length;

  // Sessions made directly (no password round trip): one per teacher, 30 days left, so no
  // request slides the expiry and writes.
  const tokens = new Map<number, string>();
  sqlite.transaction(() => {
    for (const id of teacherIds) tokens.set(id, createSession(db, id).token);
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();

  const token = (userId: number) => tokens.get(userId)!;
  const competencies = new Map<number, string[]>();
  const bodies = new Map<number, string>();
  for (const course of catalogue.courses) {
    for (const m of course.modules) {
      competencies.set(m.id, m.competencies);
      if (m.quiz) bodies.set(m.id, answerBody(m.quiz));
    }
  }
  const pools: Pools = {
    modulePages: shuffle(withProgress, rnd)
      .slice(0, 5000)
      .map((p) => ({ token: token(p.userId), path: `/courses/${p.course.slug}/${p.module.slug}` })),
    signedIn: shuffle([...new Set(withProgress.map((p) => p.userId))], rnd)
      .slice(0, 5000)
      .map(token),
    certificates: shuffle(codes, rnd).map((c) => ({ code: c.code, ownerToken: token(c.userId) })),
    // Shuffled so concurrent requests belong to different teachers, as in real use.
    // A module without a quiz is completed with its button instead.
    completions: shuffle(open, rnd).map((o) => ({
      userId: o.userId,
      token: token(o.userId),
      moduleId: o.module.id,
      path: `/courses/${o.course.slug}/${o.module.slug}/${bodies.has(o.module.id) ? 'quiz' : 'complete'}`,
      body: bodies.get(o.module.id) ?? '',
    })),
  };
  return { dir, databasePath, seconds: (performance.now() - started) / 1000, counts, pools, competencies };
}
