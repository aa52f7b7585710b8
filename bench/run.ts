import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CrashReport, crashBlock, runCrash } from './lib/crash.ts';
import { createEmptyDatabase } from './lib/databases.ts';
import { benchServerUrl, type EngineRun, enginesBlock, runChild } from './lib/engines.ts';
import { type PagesReport, runPages } from './lib/pages.ts';
import { consoleTable, evidenceLine, pagesBlock, writeBlock } from './lib/pages-table.ts';
import { SCENARIO_NAMES, type ScenarioName } from './lib/scenarios.ts';
import { ROOT } from './lib/seed.ts';

// npm run bench                        every page scenario + completions, 10 s each, 50 connections
// npm run bench -- --quick             200 teachers, 1 s, 5 connections (checks the harness, not speed)
// npm run bench -- --duration 20 --connections 100 --only catalogue,module
// npm run bench -- --profile           writes the server's CPU profile to bench/results/
// npm run bench -- --json out.json      also writes the whole report as JSON
// npm run bench -- --identity           without Accept-Encoding (what compression costs)
// npm run bench -- --log-level info     the platform writes its access log (silent otherwise)
// npm run bench -- crash               durability: SIGKILL the server mid-completions (3 times;
//                                      --cycles, --kill-after, --teachers, --connections)
// npm run bench -- --db postgres [--instances 2]   every scenario on SQLite, on PostgreSQL with
//                                      one instance and with N (BENCH_DATABASE_URL names a server
//                                      where the bench may create databases); with `crash`, the
//                                      crash scenario on PostgreSQL
// A full run (not --quick, not --only) writes its figures into docs/PERFORMANCE.md; --write
// forces that, --no-write prevents it.

const DOC = path.join(ROOT, 'docs/PERFORMANCE.md');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    teachers: { type: 'string' },
    only: { type: 'string' },
    'kill-after': { type: 'string' },
    cycles: { type: 'string' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    identity: { type: 'boolean', default: false },
    'log-level': { type: 'string' },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean', default: false },
    json: { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    instances: { type: 'string' },
    engine: { type: 'string' }, // set by the --db postgres run for each of its child runs
  },
});

const number = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${JSON.stringify(value)}`);
  return n;
};

function selectedScenarios(): ScenarioName[] | undefined {
  if (!values.only) return undefined;
  const names = values.only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIO_NAMES.join(', ')}`);
  return names as ScenarioName[];
}

const log = (line: string) => console.error(`  ${line}`);
const quick = values.quick;
const command = positionals[0] ?? 'pages';
const write = (byDefault: boolean) => !values['no-write'] && (values.write ?? byDefault);

if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error(`--db must be sqlite or postgres, not ${values.db}`);
const instances = number(values.instances, values.db === 'postgres' && !values.engine ? 2 : 1, 'instances');
// A child run on PostgreSQL seeds a database of its own on the bench server, dropped at the end.
const scratch = values.engine === 'postgres' ? await createEmptyDatabase(benchServerUrl()) : undefined;
// What a --db postgres run hands on to its child runs: everything but its own options.
const passedOn = (): string[] => {
  const withValue = new Set(['--db', '--instances', '--json']);
  const args = process.argv.slice(2);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (withValue.has(args[i]!)) i++;
    else if (args[i] !== '--write' && args[i] !== '--no-write') kept.push(args[i]!);
  }
  return kept;
};

try {
  if (values.db === 'postgres' && !values.engine && command === 'pages') {
    const runs: EngineRun[] = [
      { label: 'SQLite', engine: 'sqlite', instances: 1 },
      { label: 'PostgreSQL', engine: 'postgres', instances: 1 },
      { label: `PostgreSQL ×${instances}`, engine: 'postgres', instances },
    ];
    const reports: PagesReport[] = [];
    for (const run of runs) reports.push(await runChild<PagesReport>(run, passedOn(), log));
    const block = enginesBlock(runs, reports);
    console.log(`\n${block}`);
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(reports, null, 2));
    if (write(!quick && !values.only)) writeBlock(DOC, 'engines', block);
    process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
  } else if (values.db === 'postgres' && !values.engine && command === 'crash') {
    const report = await runChild<CrashReport>({ label: 'PostgreSQL', engine: 'postgres', instances: 1 }, passedOn(), log);
    console.log(crashBlock(report));
    if (write(!quick)) writeBlock(DOC, 'crash-postgres', crashBlock(report));
    process.exitCode = report.ok ? 0 : 1;
  } else if (command === 'crash') {
    const report = await runCrash({
      teachers: number(values.teachers, quick ? 500 : 10_000, 'teachers'),
      connections: number(values.connections, quick ? 5 : 50, 'connections'),
      killAfter: number(values['kill-after'], quick ? 1 : 5, 'kill-after'),
      cycles: number(values.cycles, quick ? 1 : 3, 'cycles'),
      database: scratch?.url,
      log,
    });
    console.log(crashBlock(report));
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(report, null, 2));
    if (write(!quick)) writeBlock(DOC, 'crash', crashBlock(report));
    process.exitCode = report.ok ? 0 : 1;
  } else if (command === 'pages') {
    const only = selectedScenarios();
    const report = await runPages({
      teachers: number(values.teachers, quick ? 200 : 10_000, 'teachers'),
      duration: number(values.duration, quick ? 1 : 10, 'duration'),
      connections: number(values.connections, quick ? 5 : 50, 'connections'),
      warmup: number(values.warmup, quick ? 0.3 : 2, 'warmup'),
      only,
      cpuProfileDir: values.profile ? path.join(ROOT, 'bench/results') : undefined,
      keep: values.keep,
      identity: values.identity,
      logLevel: values['log-level'],
      database: scratch?.url,
      instances,
      log,
    });
    console.log(`\n${consoleTable(report)}\n\n${evidenceLine(report)}`);
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(report, null, 2));
    if (write(!quick && !only && !values.identity && !values['log-level'])) {
      writeBlock(DOC, 'pages', pagesBlock(report));
      console.log(`\nwritten to ${path.relative(process.cwd(), DOC)}`);
    }
    process.exitCode = report.ok ? 0 : 1;
  } else {
    console.error(`unknown command ${command}: use no command (pages) or "crash"`);
    process.exitCode = 2;
  }
} finally {
  await scratch?.drop();
}
