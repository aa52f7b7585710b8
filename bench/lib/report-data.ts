import type { Db } from '../../server/db/client.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';

// A synthetic population for the compliance report benchmark: 100,000 teachers in 1,000
// schools, 50 regions and 3 countries, about a million evidence rows, 20 cohorts.
// Deterministic (seeded), so runs compare.

export interface BenchData {
  teachers: number;
  evidence: number;
  enrolments: number;
  cohortMembers: number;
  seconds: number;
}

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES: [string, number][] = [
  ['Russia', 30],
  ['Kazakhstan', 12],
  ['Norway', 8],
];
// Knowledge Acquisition is far commoner than Knowledge Creation.
const LEVEL_WEIGHT: Record<string, number> = { KA: 0.9, KD: 0.58, KC: 0.3 };
const FINISH_RATE: Record<string, number> = { KA: 0.3, KD: 0.14, KC: 0.05 };
const START = Date.UTC(2023, 0, 1);
const SPAN = Date.UTC(2025, 5, 30) - START;

export function generateReportData(db: Db, options: { teachers?: number; schools?: number; seed?: number } = {}): BenchData {
  const started = performance.now();
  const teachers = options.teachers ?? 100_000;
  const schoolCount = options.schools ?? 1_000;
  const rnd = random(options.seed ?? 20240601);
  const sqlite = db.$client;
  const catalogue = getCatalogue(db);

  const regions: { name: string; country: string }[] = [];
  for (const [country, n] of COUNTRIES) for (let i = 1; i <= n; i++) regions.push({ name: `${country} region ${i}`, country });
  const schools = Array.from({ length: schoolCount }, (_, i) => ({ name: `School ${String(i + 1).padStart(4, '0')}`, region: regions[i % regions.length]! }));

  // Modules that evidence each competency (1 to 3 in the sample courses).
  const carriers = COMPETENCIES.map((c) => catalogue.byCompetency(c.code).map(({ course, module }) => ({ courseId: course.id, moduleId: module.id })));

  const insertUser = sqlite.prepare(
    'INSERT INTO users (id, email, name, password_hash, school, region, country, language, created_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)',
  );
  const insertRole = sqlite.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, 'teacher')");
  const insertEnrolment = sqlite.prepare('INSERT INTO enrolments (user_id, course_id, status, enrolled_at, last_activity_at) VALUES (?, ?, ?, ?, ?)');
  const base = (sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM users').get() as { n: number }).n;

  // Evidence is collected first and inserted in time order, as a live system would write it:
  // rows of one teacher are then scattered over the table, not conveniently clustered.
  const capacity = teachers * 16; // about 10 rows a teacher on average; 16 is a safe ceiling
  const evUser = new Int32Array(capacity);
  const evComp = new Uint8Array(capacity);
  const evModule = new Int32Array(capacity);
  const evCourse = new Int32Array(capacity);
  const evTime = new Float64Array(capacity);
  let evidence = 0;
  let enrolments = 0;

  db.$client.transaction(() => {
    for (let t = 0; t < teachers; t++) {
      const id = base + t + 1;
      // Schools differ in size: a skewed pick makes some schools several times bigger.
      const school = schools[Math.floor(rnd() ** 1.3 * schools.length)]!;
      insertUser.run(
        id,
        `teacher${id}@bench.example`,
        `Teacher ${id}`,
        school.name,
        school.region.name,
        school.region.country,
        rnd() < 0.6 ? 'ru' : 'en',
        START,
      );
      insertRole.run(id);
      const engagement = rnd() ** 0.8; // most teachers have made some progress, few have done everything
      const joined = START + Math.floor(rnd() * SPAN * 0.7);
      // Some teachers finish a whole level (commoner for KA than KC); the rest hold scattered competencies.
      const finished = new Set(Object.keys(LEVEL_WEIGHT).filter((level) => rnd() < engagement * FINISH_RATE[level]!));
      const courses = new Set<number>();
      COMPETENCIES.forEach((c, ci) => {
        if (!finished.has(c.level) && rnd() >= engagement * LEVEL_WEIGHT[c.level]!) return;
        carriers[ci]!.forEach((carrier, k) => {
          if (k > 0 && rnd() < 0.45) return;
          if (evidence >= evUser.length) return;
          evUser[evidence] = id;
          evComp[evidence] = ci;
          evModule[evidence] = carrier.moduleId;
          evCourse[evidence] = carrier.courseId;
          evTime[evidence] = joined + Math.floor(rnd() * (START + SPAN - joined));
          evidence++;
          courses.add(carrier.courseId);
        });
      });
      if (courses.size === 0) courses.add(catalogue.courses[Math.floor(rnd() * catalogue.courses.length)]!.id);
      for (const courseId of courses) {
        insertEnrolment.run(id, courseId, rnd() < 0.05 ? 'withdrawn' : 'active', joined, joined);
        enrolments++;
      }
    }
  })();

  const order = new Uint32Array(evidence).map((_, i) => i).sort((a, b) => evTime[a]! - evTime[b]!);
  const insertEvidence = sqlite.prepare(
    'INSERT INTO competency_evidence (user_id, competency, module_id, course_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.$client.transaction(() => {
    for (const i of order) insertEvidence.run(evUser[i], COMPETENCIES[evComp[i]!]!.code, evModule[i], evCourse[i], 'module', evTime[i]);
  })();

  let cohortMembers = 0;
  const insertCohort = sqlite.prepare("INSERT INTO cohorts (name, description, start_date, created_at) VALUES (?, '', '2024-09-01', ?)");
  const insertMember = sqlite.prepare('INSERT OR IGNORE INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)');
  db.$client.transaction(() => {
    for (let c = 1; c <= 20; c++) {
      const cohortId = Number(insertCohort.run(`Cohort ${String(c).padStart(2, '0')}`, START).lastInsertRowid);
      const size = 500 + Math.floor(rnd() * 2500);
      for (let k = 0; k < size; k++) cohortMembers += insertMember.run(cohortId, base + 1 + Math.floor(rnd() * teachers), START).changes;
    }
  })();
  return { teachers, evidence, enrolments, cohortMembers, seconds: (performance.now() - started) / 1000 };
}
