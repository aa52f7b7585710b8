import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashPassword } from '../server/auth/passwords.ts';
import { createUser } from '../server/auth/queries.ts';
import { loadCourses } from '../server/courses/loader.ts';
import { openMigratedDatabase } from '../server/db/client.ts';
import { generateReportData } from './lib/report-data.ts';
import { measure, type Scenario } from './lib/report-measure.ts';
import { reportMarkdown } from './lib/report-table.ts';

// npm run bench:report                       100,000 teachers, ~1,000,000 evidence rows, 3 runs each
// npm run bench:report -- --teachers 5000    a smaller population (checks the harness, not speed)
// npm run bench:report -- --keep             keep the temporary database for poking at
//
// Generates a synthetic database in a temporary file, then times the compliance report served
// by the real app in a child process (bench/lib/report-server.ts, production mode) on a
// socket, this process being the client. The measurements run
// twice: with the schema's indexes as they are, and with the one index this report would
// like (created temporarily), so the difference can be judged. Prints a Markdown section.

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: { teachers: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } },
});
const teachers = Number(values.teachers);
const runs = Number(values.runs);

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
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ict-cft-report-bench-'));
const dbPath = path.join(dir, 'bench.sqlite');
try {
  console.error(`generating ${teachers.toLocaleString('en')} teachers in ${dbPath} ...`);
  const db = openMigratedDatabase(dbPath);
  loadCourses(db, path.join(ROOT, 'courses'));
  const data = generateReportData(db, { teachers });
  createUser(db, { email: ADMIN.email, name: 'Bench admin', passwordHash: await hashPassword(ADMIN.password) }, ['admin']);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  console.error(
    `  ${data.teachers} teachers, ${data.evidence} evidence rows, ${data.enrolments} enrolments, ${data.cohortMembers} cohort members in ${data.seconds.toFixed(1)} s`,
  );

  console.error('measuring ...');
  const asIs = await measure({ dbPath, ...ADMIN, runs, label: 'schema', scenarios: SCENARIOS });

  console.log(reportMarkdown({ data, runs, asIs, dbBytes: fs.statSync(dbPath).size }));
} finally {
  if (values.keep) console.error(`kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
