import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import request from 'supertest';

// npm run bench:organisations [-- --schools 50000 --runs 20 --db postgres --dry]
//
// GET /organisations/search (the school picker of sign-up and the profile) over a registry of
// --schools schools (bench/lib/registry-data.ts), in-process against a fresh database with
// production settings; each query is the median of --runs requests after one warm-up, against
// GET /healthz on the same app as the baseline. Target: well under 50 ms. Writes the
// "## Organisation search (<engine>)" section of docs/PERFORMANCE.md unless --dry.

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    schools: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '20' },
    db: { type: 'string', default: 'sqlite' },
    dry: { type: 'boolean', default: false },
  },
});
const SCHOOLS = Number(values.schools);
const RUNS = Number(values.runs);
const onPostgres = values.db === 'postgres';
// The engine is fixed per process when server/db/engine.ts is first imported: decide before the imports.
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (onPostgres) {
  if (!serverUrl?.startsWith('postgres')) throw new Error('--db postgres needs BENCH_DATABASE_URL=postgres://…');
  process.env.DATABASE_URL = serverUrl;
} else delete process.env.DATABASE_URL;

const { createApp } = await import('../server/app.ts');
const { loadConfig } = await import('../server/config.ts');
const { loadCourses } = await import('../server/courses/loader.ts');
const { closeDatabase, openMigratedDatabase } = await import('../server/db/client.ts');
const { organisationNames, organisations } = await import('../server/db/schema.ts');
const { nameKey, searchTextOf } = await import('../server/organisations/names.ts');
const { createEmptyDatabase } = await import('./lib/databases.ts');
const { registryCsv } = await import('./lib/registry-data.ts');
const { machine, markdownTable, measure, writeSection } = await import('./lib/cohort-report.ts');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'organisations-bench-'));
const pgDb = onPostgres ? await createEmptyDatabase(serverUrl!, 'orgbench') : null;
const location = pgDb ? pgDb.url : path.join(dir, 'bench.sqlite');
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  DATABASE_PATH: location,
  BASE_URL: 'http://localhost:3000',
  COURSES_PATH: path.join(ROOT, 'courses'),
});
const db = await openMigratedDatabase(location);
await loadCourses(db, config.coursesPath);

// Seed: parents first, ids known before their children, in batches inside one transaction.
const rows = parse(registryCsv({ schools: SCHOOLS }), { columns: true }) as {
  kind: 'country' | 'region' | 'school';
  code: string;
  name_en: string;
  name_ru: string;
  parent_code: string;
}[];
const started = performance.now();
const ids = new Map<string, number>();
let nextId = 1;
const now = Date.now();
await db.transaction(async (tx) => {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((r) => {
      const id = nextId++;
      ids.set(`${r.kind}:${r.code}`, id);
      const parentId = r.parent_code ? (ids.get(`country:${r.parent_code}`) ?? ids.get(`region:${r.parent_code}`) ?? null) : null;
      return {
        id,
        kind: r.kind,
        parentId,
        code: r.code,
        nameEn: r.name_en,
        nameRu: r.name_ru,
        searchText: searchTextOf({ nameEn: r.name_en, nameRu: r.name_ru, code: r.code }),
        createdAt: now,
        updatedAt: now,
      };
    });
    await tx.insert(organisations).values(batch);
    const names = batch.flatMap((o) =>
      [...new Set([nameKey(o.nameEn), nameKey(o.nameRu)])].map((key) => ({ organisationId: o.id, kind: o.kind, nameKey: key })),
    );
    await tx.insert(organisationNames).values(names).onConflictDoNothing();
  }
});
const seedMs = performance.now() - started;
console.error(`  seeded ${rows.length.toLocaleString('en')} entries in ${(seedMs / 1000).toFixed(1)} s`);

const app = createApp({ db, config, logger: pino({ level: 'silent' }) });
const server = http.createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const get =
  (url: string, partial = true) =>
  async () => {
    const req = request(server).get(url);
    const res = await (partial ? req.set('HX-Request', 'true').set('HX-Request-Type', 'partial') : req);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return res.text.length;
  };
const QUERIES: [string, string][] = [
  ['a common word ("school"): 20 of thousands', '/organisations/search?schoolQuery=school'],
  ['two words, Latin ("lyceum tiksi")', '/organisations/search?schoolQuery=lyceum%20tiksi'],
  ['two words, Cyrillic ("лицей якутск")', `/organisations/search?schoolQuery=${encodeURIComponent('лицей якутск')}`],
  ['a school code', `/organisations/search?schoolQuery=${rows[rows.length - 1]!.code}`],
  ['no match ("zzzz")', '/organisations/search?schoolQuery=zzzz'],
  ['the full page (no htmx), "gymnasium"', '/organisations/search?q=gymnasium'],
];
for (const [, url] of QUERIES) await get(url)(); // warm-up
const baseline = await measure('baseline: GET /healthz', RUNS, get('/healthz', false));
const timings = [];
for (const [step, url] of QUERIES) timings.push(await measure(step, RUNS, get(url, !url.includes('?q='))));
server.close();
await closeDatabase(db);
await pgDb?.drop();
fs.rmSync(dir, { recursive: true, force: true });

const table = markdownTable(timings, baseline);
console.log(table);
if (!values.dry) {
  const m = machine();
  writeSection(
    path.join(ROOT, 'docs/PERFORMANCE.md'),
    `\`npm run bench:organisations${onPostgres ? ' -- --db postgres' : ''}\` (${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${onPostgres ? 'PostgreSQL' : 'SQLite'}): \`GET /organisations/search\`, the school picker's live search, over a registry of ${SCHOOLS.toLocaleString('en')} schools (${rows.length.toLocaleString('en')} entries with countries and regions, each named in English and Russian; seeded in ${(seedMs / 1000).toFixed(1)} s). Median of ${RUNS} requests after a warm-up, in-process with supertest; the baseline is GET /healthz on the same app. Target: well under 50 ms.

${table}

Every query scans the folded search text of all entries (\`LIKE '% word%'\` per word, schools first, 20 shown); at this size a scan is cheaper than keeping a word index current.`,
    `## Organisation search (${onPostgres ? 'PostgreSQL' : 'SQLite'})`,
  );
}
