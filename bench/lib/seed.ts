import crypto from 'node:crypto';
import { rebuildRollUps } from '../../server/evidence/roll-ups.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession } from '../../server/auth/sessions.ts';
import { issueCertificate } from '../../server/certificates/issue.ts';
import { getCatalogue, type CatalogueCourse, type CatalogueModule } from '../../server/courses/catalogue.ts';
import { loadCourses } from '../../server/courses/loader.ts';
import { closeDatabase, type Tx, openMigratedDatabase } from '../../server/db/client.ts';
import {
  cohortCourses,
  cohortMembers,
  cohortTrainers,
  cohorts,
  competencyEvidence,
  enrolments,
  learningRecords,
  moduleProgress,
  type Quiz,
  quizAttempts,
  userRoles,
  users,
} from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';

// A realistic population for the page benchmark: teachers enrolled in one to three of the
// sample courses, part way through them (progress, quiz attempts, evidence, xAPI records),
// about a quarter with a finished course and its certificate, a few cohorts. Multi-row inserts
// in one transaction keep 10,000 teachers to seconds on either engine; certificates and
// sessions go through the real issueCertificate and createSession so their rows are exactly
// what the app writes.

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
  /** Where the seeded database is: a SQLite file or a postgres:// URL (what DATABASE_URL / DATABASE_PATH take). */
  database: string;
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

function statement(userId: number, verb: keyof typeof VERBS, course: CatalogueCourse, module: CatalogueModule | null, at: number): NewRecord {
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
  return { id, userId, verb: VERBS[verb], courseId: course.id, moduleId: module?.id ?? null, statement: json, timestamp: at };
}

type NewUser = typeof users.$inferInsert;
type NewEnrolment = typeof enrolments.$inferInsert;
type NewProgress = typeof moduleProgress.$inferInsert;
type NewAttempt = typeof quizAttempts.$inferInsert;
type NewEvidence = typeof competencyEvidence.$inferInsert;
type NewRecord = typeof learningRecords.$inferInsert;

/** Inserts users and gives their ids in the order of `rows`. */
async function insertUsers(tx: Tx, rows: NewUser[]): Promise<number[]> {
  const ids = new Map<string, number>();
  await inChunks(rows, async (chunk) => {
    for (const row of await tx.insert(users).values(chunk).returning({ id: users.id, email: users.email })) ids.set(row.email, row.id);
  });
  return rows.map((row) => ids.get(row.email)!);
}

function shuffle<T>(list: T[], rnd: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** Writes rows a thousand to a statement: multi-row inserts stay under both engines' parameter limits. */
async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/**
 * Seeds a new database: a SQLite file in a temporary folder, or `database` (a SQLite path or a
 * postgres:// URL of an empty database of the engine this process runs on).
 */
export async function seedDatabase(options: { teachers: number; seed?: number; dir?: string; database?: string }): Promise<Seeded> {
  const started = performance.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pdp-bench-'));
  const database = options.database ?? path.join(dir, 'bench.sqlite');
  const db = await openMigratedDatabase(database);
  try {
    await loadCourses(db, path.join(ROOT, 'courses'));
    const catalogue = await getCatalogue(db);
    const rnd = random(options.seed ?? 20250110);
    const now = Date.now();
    const answers = new Map<number, Record<string, string[]>>();
    for (const course of catalogue.courses) for (const m of course.modules) if (m.quiz) answers.set(m.id, correctAnswers(m.quiz));

    // The population is planned first, people named by their index among the teachers; the
    // transaction below only writes it (it may run more than once on PostgreSQL), and the
    // database assigns the ids. Seeded teachers have used their accounts: their addresses count
    // as proven (certificates need it).
    type ByIndex<T> = Omit<T, 'userId'> & { teacher: number };
    const plan = {
      enrolments: [] as ByIndex<NewEnrolment>[],
      progress: [] as ByIndex<NewProgress>[],
      attempts: [] as ByIndex<NewAttempt>[],
      evidence: [] as ByIndex<NewEvidence>[],
      records: [] as { teacher: number; verb: keyof typeof VERBS; course: CatalogueCourse; module: CatalogueModule | null; at: number }[],
    };
    const finished: { teacher: number; courseId: number }[] = [];
    const withProgress: { teacher: number; course: CatalogueCourse; module: CatalogueModule }[] = [];
    const open: { teacher: number; course: CatalogueCourse; module: CatalogueModule }[] = [];
    const person = (email: string, name: string, fields: Partial<NewUser>, createdAt: number): NewUser => ({
      email,
      name,
      school: '',
      region: '',
      country: '',
      language: 'en',
      ...fields,
      emailVerifiedAt: createdAt,
      createdAt,
    });
    // 1 admin, 5 trainers: the cohorts need trainers.
    const staffRows = [1, 2, 3, 4, 5, 6].map((n) =>
      person(`staff${n}@bench.example`, `Staff ${n}`, { school: 'Institute', region: 'Region 1', country: 'Russia' }, now - 400 * DAY),
    );
    const teacherRows: NewUser[] = [];
    for (let i = 0; i < options.teachers; i++) {
      const joined = now - Math.floor((30 + rnd() * 300) * DAY);
      teacherRows.push(
        person(
          `teacher${i}@bench.example`,
          `Teacher ${i}`,
          { school: `School ${i % 300}`, region: `Region ${i % 12}`, country: i % 5 === 0 ? 'Norway' : 'Russia', language: i % 3 ? 'en' : 'ru' },
          joined,
        ),
      );
      let courses = catalogue.courses.filter(() => rnd() < 0.6);
      if (courses.length === 0) courses = [catalogue.courses[i % catalogue.courses.length]!];
      for (const course of courses) {
        const n = course.modules.length;
        const r = rnd();
        // A quarter finished the course, half are part way, a quarter only enrolled.
        const done = r < 0.25 ? n : r < 0.75 ? 1 + Math.floor(rnd() * (n - 1)) : 0;
        let at = joined + Math.floor(rnd() * 5 * DAY);
        const enrolledAt = at;
        plan.records.push({ teacher: i, verb: 'registered', course, module: null, at });
        for (let k = 0; k < done; k++) {
          const m = course.modules[k]!;
          at += Math.floor((0.5 + rnd() * 3) * DAY);
          plan.progress.push({
            teacher: i,
            moduleId: m.id,
            status: 'completed',
            bestScore: m.quiz ? 100 : null,
            quizPassed: !!m.quiz,
            attempts: m.quiz ? 1 : 0,
            firstViewedAt: at - 3600_000,
            completedAt: at,
            lastActivityAt: at,
          });
          if (m.quiz)
            plan.attempts.push({
              teacher: i,
              moduleId: m.id,
              answers: answers.get(m.id)!,
              score: 100,
              passed: true,
              startedAt: at - 1800_000,
              submittedAt: at,
            });
          for (const code of m.competencies)
            plan.evidence.push({ teacher: i, competency: code, moduleId: m.id, courseId: course.id, kind: 'quiz', source: `module:${m.id}`, createdAt: at });
          plan.records.push({ teacher: i, verb: 'completed', course, module: m, at });
          withProgress.push({ teacher: i, course, module: m });
        }
        // Most who are part way have opened the next module too (no attempts, so the quiz is fresh).
        if (done < n && done > 0 && rnd() < 0.7) {
          const m = course.modules[done]!;
          plan.progress.push({
            teacher: i,
            moduleId: m.id,
            status: 'in_progress',
            bestScore: null,
            quizPassed: false,
            attempts: 0,
            firstViewedAt: at + 3600_000,
            completedAt: null,
            lastActivityAt: at + 3600_000,
          });
          withProgress.push({ teacher: i, course, module: m });
        }
        if (done === n) {
          plan.records.push({ teacher: i, verb: 'completed', course, module: null, at });
          finished.push({ teacher: i, courseId: course.id });
        }
        plan.enrolments.push({
          teacher: i,
          courseId: course.id,
          status: 'active',
          enrolledAt,
          completedAt: done === n ? at : null,
          lastActivityAt: Math.max(at, enrolledAt),
        });
        // What the completion scenario may do: every open module of a free-order course, and
        // only the next one of a sequential course (later ones are locked).
        const remaining = course.sequential ? course.modules.slice(done, done + 1) : course.modules.slice(done);
        for (const m of remaining) open.push({ teacher: i, course, module: m });
      }
    }
    const cohortCount = Math.max(1, Math.min(5, Math.floor(options.teachers / 100)));
    const cohortPlan = Array.from({ length: cohortCount }, (_, index) => {
      const c = index + 1;
      const size = Math.min(500, Math.floor(options.teachers / cohortCount));
      const members = new Set<number>();
      for (let k = 0; k < size; k++) members.add((c * 977 + k * 13) % options.teachers);
      return { c, course: catalogue.courses[c % catalogue.courses.length]!, members: [...members] };
    });

    const written = await db.transaction(async (tx) => {
      const staff = await insertUsers(tx, staffRows);
      await tx.insert(userRoles).values(staff.map((id, n) => ({ userId: id, role: n === 0 ? ('admin' as const) : ('trainer' as const) })));
      const trainers = staff.slice(1);
      const ids = await insertUsers(tx, teacherRows);
      await inChunks(ids, (chunk) => tx.insert(userRoles).values(chunk.map((userId) => ({ userId, role: 'teacher' as const }))));
      const withId = <T extends { teacher: number }>({ teacher, ...row }: T) => ({ ...row, userId: ids[teacher]! });
      await inChunks(plan.enrolments, (chunk) => tx.insert(enrolments).values(chunk.map(withId)));
      await inChunks(plan.progress, (chunk) => tx.insert(moduleProgress).values(chunk.map(withId)));
      await inChunks(plan.attempts, (chunk) => tx.insert(quizAttempts).values(chunk.map(withId)));
      await inChunks(plan.evidence, (chunk) => tx.insert(competencyEvidence).values(chunk.map(withId)));
      await rebuildRollUps(tx);
      await inChunks(
        plan.records,
        (chunk) => tx.insert(learningRecords).values(chunk.map((r) => statement(ids[r.teacher]!, r.verb, r.course, r.module, r.at))),
        500,
      );
      let members = 0;
      for (const { c, course, members: teachers } of cohortPlan) {
        const trainer = trainers[(c - 1) % trainers.length]!;
        const [cohort] = await tx
          .insert(cohorts)
          .values({ name: `Bench cohort ${c}`, description: '', startDate: '2025-01-15', dueDate: null, createdBy: trainer, createdAt: now - 200 * DAY })
          .returning({ id: cohorts.id });
        await tx.insert(cohortCourses).values({ cohortId: cohort!.id, courseId: course.id });
        await tx.insert(cohortTrainers).values({ cohortId: cohort!.id, userId: trainer });
        const added = await tx
          .insert(cohortMembers)
          .values(teachers.map((teacher) => ({ cohortId: cohort!.id, userId: ids[teacher]!, addedAt: now - 200 * DAY })))
          .onConflictDoNothing()
          .returning({ userId: cohortMembers.userId });
        members += added.length;
      }
      return { ids, members };
    });
    const teacherIds = written.ids;
    const counts = {
      teachers: options.teachers,
      enrolments: plan.enrolments.length,
      progress: plan.progress.length,
      evidence: plan.evidence.length,
      records: plan.records.length,
      certificates: 0,
      cohorts: cohortPlan.length,
      cohortMembers: written.members,
    };

    // The real issuing code, in one transaction as the app would run it per completion.
    const codes = await db.transaction(async (tx) => {
      const issuedCodes: { code: string; userId: number }[] = [];
      for (const f of finished) {
        const userId = teacherIds[f.teacher]!;
        const issued = await issueCertificate(tx, { userId, courseId: f.courseId, issuerName: ISSUER, now: now - DAY });
        if (issued) issuedCodes.push({ code: issued.code, userId });
      }
      return issuedCodes;
    });
    counts.certificates = codes.length;

    // Sessions made directly (no password round trip): one per teacher, 30 days left, so no
    // request slides the expiry and writes.
    const tokens = await db.transaction(async (tx) => {
      const made = new Map<number, string>();
      for (const id of teacherIds) made.set(id, (await createSession(tx, id)).token);
      return made;
    });
    const token = (userId: number) => tokens.get(userId)!;
    const idOf = (teacher: number) => teacherIds[teacher]!;
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
        .map((p) => ({ token: token(idOf(p.teacher)), path: `/courses/${p.course.slug}/${p.module.slug}` })),
      signedIn: shuffle([...new Set(withProgress.map((p) => idOf(p.teacher)))], rnd)
        .slice(0, 5000)
        .map(token),
      certificates: shuffle(codes, rnd).map((c) => ({ code: c.code, ownerToken: token(c.userId) })),
      // Shuffled so concurrent requests belong to different teachers, as in real use.
      // A module without a quiz is completed with its button instead.
      completions: shuffle(open, rnd).map((o) => ({
        userId: idOf(o.teacher),
        token: token(idOf(o.teacher)),
        moduleId: o.module.id,
        path: `/courses/${o.course.slug}/${o.module.slug}/${bodies.has(o.module.id) ? 'quiz' : 'complete'}`,
        body: bodies.get(o.module.id) ?? '',
      })),
    };
    return { dir, database, seconds: (performance.now() - started) / 1000, counts, pools, competencies };
  } finally {
    await closeDatabase(db);
  }
}
