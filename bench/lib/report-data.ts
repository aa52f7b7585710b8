import { getTableColumns, max, sql } from 'drizzle-orm';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { type Db, databaseEngine, rawRows, type Tx } from '../../server/db/client.ts';
import { cohortMembers, cohorts, competencyEvidence, enrolments, userRoles, users } from '../../server/db/schema.ts';
import { rebuildRollUps } from '../../server/evidence/roll-ups.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';

// A synthetic population for the compliance report benchmark: 100,000 teachers in 5,000
// schools, 50 regions and 3 countries, about a million evidence rows, 20 cohorts.
// Deterministic (seeded), so runs compare, and the same on SQLite and PostgreSQL.
//
// Written with drizzle's multi-row inserts (a few thousand rows a statement) inside one
// transaction per table: fast on SQLite (one commit) and on PostgreSQL (one round trip per
// batch). The rows are generated before each transaction opens, so a transaction retried on
// PostgreSQL writes the same rows again.

export interface BenchData {
  teachers: number;
  schools: number;
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

/**
 * Rows a statement carries: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. Counted
 * by every column of the table, not those given: drizzle binds a default (also_teaches) as one more.
 */
function batchSize(table: Table): number {
  return Math.min(5000, Math.floor(30_000 / Object.keys(getTableColumns(table as never)).length));
}

type Table = Parameters<Tx['insert']>[0];

/**
 * Inserts `count` rows, `row(i)` giving the values of `columns` in order, a batch a statement.
 * The full-batch statement is built and prepared once, with placeholders: building drizzle's
 * SQL for every batch took most of the time (and the collector most of the rest).
 */
async function insertRows(tx: Tx, table: Table, columns: string[], count: number, row: (i: number) => unknown[]): Promise<void> {
  const size = batchSize(table);
  // Placeholders are named 0, 1, 2…, so an array can hold the values of a batch.
  const names = Array.from({ length: size * columns.length }, (_, k) => String(k));
  const build = (rows: number) =>
    tx
      .insert(table)
      .values(Array.from({ length: rows }, (_, r) => Object.fromEntries(columns.map((c, k) => [c, sql.placeholder(names[r * columns.length + k]!)]))) as never)
      .prepare();
  const full = count >= size ? build(size) : undefined;
  for (let at = 0; at < count; at += size) {
    const rows = Math.min(size, count - at);
    const statement = rows === size && full ? full : build(rows);
    const values: unknown[] = [];
    for (let i = at; i < at + rows; i++) values.push(...row(i));
    await statement.execute(values as unknown as Record<string, unknown>);
  }
}

export async function generateReportData(db: Db, options: { teachers?: number; schools?: number; seed?: number } = {}): Promise<BenchData> {
  const started = performance.now();
  const teachers = options.teachers ?? 100_000;
  // One school for every 20 teachers: 5,000 schools at 100,000 teachers, as the targets are set.
  const schoolCount = options.schools ?? Math.max(1, Math.round(teachers / 20));
  const rnd = random(options.seed ?? 20240601);
  const catalogue = await getCatalogue(db);

  const regions: { name: string; country: string }[] = [];
  for (const [country, n] of COUNTRIES) for (let i = 1; i <= n; i++) regions.push({ name: `${country} region ${i}`, country });
  const schools = Array.from({ length: schoolCount }, (_, i) => ({ name: `School ${String(i + 1).padStart(4, '0')}`, region: regions[i % regions.length]! }));

  // Modules that evidence each competency (1 to 3 in the sample courses).
  const carriers = COMPETENCIES.map((c) => catalogue.byCompetency(c.code).map(({ course, module }) => ({ courseId: course.id, moduleId: module.id })));

  const [last] = await db.select({ n: max(users.id) }).from(users);
  const base = last?.n ?? 0;

  // Rows as arrays in the order of the columns named where they are inserted.
  const userRows: [id: number, email: string, name: string, school: string, region: string, country: string, language: string, createdAt: number][] = [];
  const enrolmentRows: [userId: number, courseId: number, status: string, enrolledAt: number, lastActivityAt: number][] = [];

  // Evidence is collected first and inserted in time order, as a live system would write it:
  // rows of one teacher are then scattered over the table, not conveniently clustered.
  const capacity = teachers * 16; // about 10 rows a teacher on average; 16 is a safe ceiling
  const evUser = new Int32Array(capacity);
  const evComp = new Uint8Array(capacity);
  const evModule = new Int32Array(capacity);
  const evCourse = new Int32Array(capacity);
  const evTime = new Float64Array(capacity);
  let evidence = 0;

  for (let t = 0; t < teachers; t++) {
    const id = base + t + 1;
    // Schools differ in size: a skewed pick makes some schools several times bigger.
    const school = schools[Math.floor(rnd() ** 1.3 * schools.length)]!;
    userRows.push([
      id,
      `teacher${id}@bench.example`,
      `Teacher ${id}`,
      school.name,
      school.region.name,
      school.region.country,
      rnd() < 0.6 ? 'ru' : 'en',
      START,
    ]);
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
      enrolmentRows.push([id, courseId, rnd() < 0.05 ? 'withdrawn' : 'active', joined, joined]);
    }
  }

  await db.transaction(async (tx) => {
    await insertRows(tx, users, ['id', 'email', 'name', 'school', 'region', 'country', 'language', 'createdAt'], userRows.length, (i) => userRows[i]!);
    await insertRows(tx, userRoles, ['userId', 'role'], userRows.length, (i) => [userRows[i]![0], 'teacher']);
    await insertRows(tx, enrolments, ['userId', 'courseId', 'status', 'enrolledAt', 'lastActivityAt'], enrolmentRows.length, (i) => enrolmentRows[i]!);
  });
  // The ids above were given explicitly: PostgreSQL's identity sequence must learn of them
  // before anyone else is created (SQLite takes the next id from the table itself).
  if (databaseEngine(db) === 'postgres') await rawRows(db, sql`SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))`);

  const order = new Uint32Array(evidence).map((_, i) => i).sort((a, b) => evTime[a]! - evTime[b]!);
  const kindDraw = random((options.seed ?? 20240601) + 1);
  await db.transaction(async (tx) => {
    // Kinds as a deployment with assessed work would have them: most evidence from quizzes, a fifth
    // assessed, the rest live sessions and recognised learning (which have no module).
    const columns = ['userId', 'competency', 'kind', 'moduleId', 'courseId', 'source', 'createdAt'];
    await insertRows(tx, competencyEvidence, columns, order.length, (k) => {
      const i = order[k]!;
      const r = kindDraw();
      const [kind, prefix] =
        r < 0.7 ? ['quiz', 'module'] : r < 0.9 ? ['assessed', 'assignment'] : r < 0.95 ? ['participation', 'session'] : ['recognised', 'recognition'];
      const modular = kind === 'quiz' || kind === 'assessed';
      return [
        evUser[i],
        COMPETENCIES[evComp[i]!]!.code,
        kind,
        modular ? evModule[i] : null,
        modular ? evCourse[i] : null,
        `${prefix}:${evModule[i]}`,
        evTime[i],
      ];
    });
  });
  // Written directly, so the roll-up the app keeps with each evidence write is built once here.
  await db.transaction((tx) => rebuildRollUps(tx));

  // Members drawn at random repeat: each cohort keeps a teacher once.
  const memberLists = Array.from({ length: 20 }, () => {
    const size = 500 + Math.floor(rnd() * 2500);
    const members = new Set<number>();
    for (let k = 0; k < size; k++) members.add(base + 1 + Math.floor(rnd() * teachers));
    return [...members];
  });
  const cohortMembersAdded = await db.transaction(async (tx) => {
    let added = 0;
    for (const [c, members] of memberLists.entries()) {
      const [cohort] = await tx
        .insert(cohorts)
        .values({ name: `Cohort ${String(c + 1).padStart(2, '0')}`, description: '', startDate: '2024-09-01', createdAt: START })
        .returning({ id: cohorts.id });
      await insertRows(tx, cohortMembers, ['cohortId', 'userId', 'addedAt'], members.length, (i) => [cohort!.id, members[i], START]);
      added += members.length;
    }
    return added;
  });
  return {
    teachers,
    schools: schoolCount,
    evidence,
    enrolments: enrolmentRows.length,
    cohortMembers: cohortMembersAdded,
    seconds: (performance.now() - started) / 1000,
  };
}
