import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// npm run bench:report                       100,000 teachers, ~1,000,000 evidence rows, 3 runs each
// npm run bench:report -- --teachers 5000    a smaller population (checks the harness, not speed)
// npm run bench:report -- --keep             keep the temporary database for poking at
// npm run bench:report -- --skip 'XLSX;JSON' leave out the scenarios whose names start so
// npm run bench:report -- --reuse <location>  measure a database kept by --keep again (a SQLite
//                                            path or a postgres:// URL; its data.json beside it)
// npm run bench:report -- --db postgres      the same on PostgreSQL: BENCH_DATABASE_URL (or
//                                            DATABASE_URL) names a server and a database to connect
//                                            to; the benchmark creates a database of its own there
//                                            and drops it afterwards (unless --keep)
//
// Generates a synthetic database (a temporary SQLite file, or a fresh PostgreSQL database),
// then times the compliance report served by the real app in a child process
// (bench/lib/report-server.ts, production mode) on a socket, this process being the client.
// Prints a Markdown section.

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    teachers: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    skip: { type: 'string', default: '' },
    reuse: { type: 'string' },
  },
});
const teachers = Number(values.teachers);
const runs = Number(values.runs);
if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error(`--db is sqlite or postgres, not ${values.db}`);
const onPostgres = values.db === 'postgres';
const skipped = values.skip.split(';').filter(Boolean);

// The engine of a process is fixed by DATABASE_URL when server/db/engine.ts is first imported,
// so it is set here, before the dynamic imports below; the server child inherits it.
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (onPostgres) {
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) throw new Error('--db postgres needs BENCH_DATABASE_URL or DATABASE_URL (postgres://…)');
  process.env.DATABASE_URL = serverUrl;
} else {
  delete process.env.DATABASE_URL;
}

const { sql } = await import('drizzle-orm');
const { hashPassword } = await import('../server/auth/passwords.ts');
const { createUser } = await import('../server/auth/queries.ts');
const { loadCourses } = await import('../server/courses/loader.ts');
const { closeDatabase, openDatabase, openMigratedDatabase, rawRows } = await import('../server/db/client.ts');
const { generateReportData } = await import('./lib/report-data.ts');
const { measure } = await import('./lib/report-measure.ts');
const { reportMarkdown } = await import('./lib/report-table.ts');
type Scenario = import('./lib/report-measure.ts').Scenario;

const SCENARIOS: Scenario[] = [
  { name: 'baseline: GET /healthz', url: '/healthz' },
  { name: 'baseline: SELECT COUNT(*) FROM competency_evidence', url: 'sql:count' },
  { name: 'page, grouped by region', url: '/admin/reports/compliance?group=region', target: { ms: 1000, label: '< 1 s' } },
  { name: 'page, grouped by school', url: '/admin/reports/compliance?group=school', target: { ms: 1000, label: '< 1 s' } },
  {
    name: 'page, by region, evidence in 2024',
    url: '/admin/reports/compliance?group=region&from=2024-01-01&to=2024-12-31',
    target: { ms: 1000, label: '< 1 s' },
  },
  { name: 'page, one region by school', url: '/admin/reports/compliance?group=school&region=Russia%20region%203' },
  { name: 'per-teacher page 1 (100 rows)', url: '/admin/reports/compliance/teachers' },
  { name: 'CSV, groups (by school)', url: '/admin/reports/compliance?group=school&format=csv' },
  { name: 'CSV, every teacher (detail)', url: '/admin/reports/compliance?format=csv&detail=teachers', target: { ms: 5000, label: '< 5 s' } },
  { name: 'XLSX (summary, groups, every teacher)', url: '/admin/reports/compliance?group=school&format=xlsx' },
  { name: 'JSON (by school)', url: '/admin/reports/compliance?group=school&format=json' },
];

const ADMIN = { email: 'bench-admin@example.org', password: 'bench admin password' };

/** Where the benchmark database lives, and how to measure and remove it. */
interface Place {
  location: string;
  describe: string;
  bytes(): Promise<number>;
  remove(): Promise<void>;
}

async function sqlitePlace(): Promise<Place> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ict-cft-report-bench-'));
  const location = path.join(dir, 'bench.sqlite');
  return {
    location,
    describe: location,
    bytes: async () => fs.statSync(location).size,
    remove: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A database of its own on the PostgreSQL server of `url`, made through a connection to `url`'s database. */
async function postgresPlace(url: string): Promise<Place> {
  const name = `report_bench_${process.pid}_${Date.now()}`;
  const target = new URL(url);
  target.pathname = `/${name}`;
  const location = target.toString();
  const onServer = async <T>(work: (admin: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) => {
    const admin = await openDatabase(url, { poolSize: 1 });
    try {
      return await work(admin);
    } finally {
      await closeDatabase(admin);
    }
  };
  await onServer((admin) => rawRows(admin, sql.raw(`CREATE DATABASE ${name}`)));
  return {
    location,
    describe: `database ${name} on ${target.host}`,
    bytes: () => onServer(async (admin) => Number((await rawRows<[number]>(admin, sql`SELECT pg_database_size(${name})`))[0]![0])),
    remove: () => onServer((admin) => rawRows(admin, sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))).then(() => undefined),
  };
}

/** A database kept by an earlier --keep run, measured again as it is (never removed). */
function reusedPlace(location: string): Place {
  return {
    location,
    describe: location,
    bytes: async () => (location.startsWith('postgres') ? Number.NaN : fs.statSync(location).size),
    remove: async () => {},
  };
}
// What the generator reported, kept beside the database (by name, for PostgreSQL) for --reuse.
const dataFile = (location: string) =>
  location.startsWith('postgres') ? path.join(os.tmpdir(), `${new URL(location).pathname.slice(1)}.data.json`) : path.join(path.dirname(location), 'data.json');

const place = values.reuse ? reusedPlace(values.reuse) : onPostgres ? await postgresPlace(serverUrl!) : await sqlitePlace();
try {
  let data: Awaited<ReturnType<typeof generateReportData>>;
  if (values.reuse) {
    data = JSON.parse(fs.readFileSync(dataFile(place.location), 'utf8'));
    console.error(`measuring the kept ${place.describe} again`);
  } else {
    console.error(`generating ${teachers.toLocaleString('en')} teachers in ${place.describe} ...`);
    const db = await openMigratedDatabase(place.location);
    await loadCourses(db, path.join(ROOT, 'courses'));
    data = await generateReportData(db, { teachers });
    await createUser(db, { email: ADMIN.email, name: 'Bench admin', passwordHash: await hashPassword(ADMIN.password) }, ['admin']);
    // Fresh statistics and visibility map, as autovacuum would leave them on a live server
    // (index-only scans need the latter). VACUUM marks a page all-visible only once the commits
    // of its rows are flushed, which with synchronous_commit = off (a test cluster) the WAL
    // writer does within 3 x wal_writer_delay: hence the pause. SQLite needs nothing: closing
    // checkpoints the WAL.
    if (onPostgres) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await rawRows(db, sql`VACUUM ANALYZE`);
    }
    await closeDatabase(db);
    if (values.keep) fs.writeFileSync(dataFile(place.location), JSON.stringify(data));
    console.error(
      `  ${data.teachers} teachers, ${data.evidence} evidence rows, ${data.enrolments} enrolments, ${data.cohortMembers} cohort members in ${data.seconds.toFixed(1)} s`,
    );
  }

  console.error('measuring ...');
  const asIs = await measure({
    dbPath: place.location,
    ...ADMIN,
    runs,
    label: 'schema',
    scenarios: SCENARIOS.filter((s) => !skipped.some((prefix) => s.name.startsWith(prefix))),
  });

  const engine = onPostgres ? `PostgreSQL (${place.describe})` : 'SQLite';
  console.log(`${reportMarkdown({ data, runs, asIs, dbBytes: await place.bytes() })}\n\nEngine: ${engine}.`);
} finally {
  if (values.keep || values.reuse) console.error(`kept ${place.describe}`);
  else await place.remove();
}
