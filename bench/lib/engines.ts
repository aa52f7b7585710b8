import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PagesReport } from './pages.ts';
import { describeRun } from './pages-table.ts';
import { ROOT } from './seed.ts';

// `npm run bench -- --db postgres [--instances N]`: the same benchmark on SQLite (one
// instance), on PostgreSQL with one instance and with N, one after another, each in a process
// of its own (the engine is chosen per process, before the tables are imported), each against
// its bare baseline measured in the same process; then one table side by side.

export interface EngineRun {
  label: string;
  engine: 'sqlite' | 'postgres';
  instances: number;
}

/** The PostgreSQL server the bench may create and drop databases on. */
export function benchServerUrl(): string {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('--db postgres needs BENCH_DATABASE_URL=postgres://user@host:port/db: a server where the bench may create and drop databases');
  return url;
}

/** Runs bench/run.ts in a child process for one engine and instance count; resolves with its JSON report. */
export async function runChild<T>(run: EngineRun, args: string[], log: (line: string) => void): Promise<T> {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-')), 'report.json');
  const env = { ...process.env };
  if (run.engine === 'postgres') env.DATABASE_URL = benchServerUrl();
  else delete env.DATABASE_URL;
  log(`--- ${run.label} ---`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/run.ts'), ...args, '--engine', run.engine, '--instances', String(run.instances), '--json', json, '--no-write'],
    { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (!fs.existsSync(json)) throw new Error(`${run.label}: the run failed (exit ${code})`);
  const report = JSON.parse(fs.readFileSync(json, 'utf8')) as T;
  fs.rmSync(path.dirname(json), { recursive: true, force: true });
  return report;
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '–' : n.toFixed(digits));

/** The side-by-side table: per scenario, each run's throughput, share of its baseline, CPU per request (per instance), p99. */
export function enginesTable(runs: EngineRun[], reports: PagesReport[]): string {
  const first = reports[0]!;
  const head = ['scenario', ...runs.flatMap((r) => [`${r.label}: req/s (× baseline)`, 'CPU ms/req', 'p99 ms'])];
  const lines = [
    `| ${head.join(' | ')} |`,
    `| --- | ${head
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  ];
  for (const scenario of first.scenarios) {
    const cells = reports.flatMap((report) => {
      const s = report.scenarios.find((x) => x.name === scenario.name);
      if (!s) return ['–', '–', '–'];
      const perInstance = s.instanceCpuMs?.length ? ` (${s.instanceCpuMs.map((c) => fixed(c)).join(' / ')})` : '';
      return [`${s.rps.toFixed(0)} (${(s.ratio * 100).toFixed(0)}%)`, `${fixed(s.cpuMs)}${perInstance}`, String(s.p99)];
    });
    lines.push(`| ${scenario.label} | ${cells.join(' | ')} |`);
  }
  lines.push(`| bare baseline | ${reports.map((r) => `${r.baselineRps.toFixed(0)} | ${fixed(r.baseline.cpuMs)} | ${r.baseline.p99}`).join(' | ')} |`);
  return lines.join('\n');
}

/** Each PostgreSQL run's CPU per request against SQLite's, scenario by scenario (the 1.5x target). */
export function cpuRatios(runs: EngineRun[], reports: PagesReport[]): string[] {
  const sqlite = reports[0]!;
  return runs.slice(1).map((run, i) => {
    const report = reports[i + 1]!;
    const ratios = report.scenarios.map((s) => {
      const base = sqlite.scenarios.find((x) => x.name === s.name)?.cpuMs;
      return { name: s.name, ratio: base && s.cpuMs ? s.cpuMs / base : null };
    });
    const over = ratios.filter((r) => r.ratio !== null && r.ratio > 1.5);
    return `${run.label}: CPU per request against SQLite ${ratios.map((r) => `${r.name} ${fixed(r.ratio)}x`).join(', ')}; ${over.length ? `over 1.5x: ${over.map((r) => r.name).join(', ')}` : 'all within 1.5x'}.`;
  });
}

export function enginesBlock(runs: EngineRun[], reports: PagesReport[]): string {
  const completions = reports.map((r, i) => `${runs[i]!.label} ${r.scenarios.find((s) => s.kind === 'completion')?.rps.toFixed(0) ?? '–'}/s`);
  return [
    `Last engines run: ${describeRun(reports[0]!)}`,
    '',
    enginesTable(runs, reports),
    '',
    ...cpuRatios(runs, reports).map((line) => `- ${line}`),
    `- Completions: ${completions.join(', ')} (target ≥1,000/s); evidence check: ${reports.map((r, i) => `${runs[i]!.label} ${r.evidence?.ok ? 'ok' : r.evidence ? 'FAILED' : '–'}`).join(', ')}.`,
  ].join('\n');
}
