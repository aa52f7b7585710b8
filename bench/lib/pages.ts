import fs from 'node:fs';
import os from 'node:os';
import { type Ack, checkCompletions, type EvidenceCheck } from './evidence.ts';
import { type LoadResult, runLoad } from './load.ts';
import { BASELINE, type Scenario, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from './scenarios.ts';
import { type CompletionPair, seedDatabase } from './seed.ts';
import { type ServerProcess, startBaseline, startPlatform } from './server-process.ts';

// The page benchmark from seed to verdict; run.ts is only its command line, and the smoke
// test calls this with a tiny population.

export interface PagesOptions {
  teachers: number;
  duration: number;
  connections: number;
  warmup: number;
  only?: ScenarioName[];
  cpuProfileDir?: string;
  keep?: boolean; // keep the seeded database folder
  /** Seed this database (a SQLite path or the postgres:// URL of an empty database) instead of a new SQLite file. */
  database?: string;
  /** App instances on the database (more than one only on PostgreSQL); the load is shared among them. */
  instances?: number;
  identity?: boolean; // no Accept-Encoding: shows what compression costs
  logLevel?: string; // the platform's LOG_LEVEL (silent unless asked: shows what access logging costs)
  log?: (line: string) => void;
}

export interface Targets {
  pageRatio: number;
  pageP99: number;
  completionsPerSecond: number;
  pdfPerSecond: number;
}

export const TARGETS: Targets = { pageRatio: 0.4, pageP99: 50, completionsPerSecond: 1000, pdfPerSecond: 50 };

export interface ScenarioResult extends LoadResult {
  name: string;
  label: string;
  kind: Scenario['kind'];
  ratio: number; // to baselineRps
  baselineRps: number; // the bare page's req/s around this measurement (mean of just before and just after)
  met: boolean;
  verdict: string; // which target, and whether it holds
  instanceCpuMs?: (number | null)[]; // server CPU ms per answer on each instance (several instances only)
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
}

export interface PagesReport {
  date: string;
  machine: Machine;
  options: Omit<PagesOptions, 'log'>;
  seed: { seconds: number; counts: Record<string, number> };
  loadAverage: [number, number]; // 1-minute load average at the start and the end: other work on the machine
  baselineRps: number; // mean of the two baseline measurements: what ratios are relative to
  baseline: ScenarioResult;
  baselineAgain: ScenarioResult;
  scenarios: ScenarioResult[];
  evidence: EvidenceCheck | null;
  ok: boolean; // zero errors everywhere and the evidence check passed (speed targets aside)
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

function judge(scenario: Scenario, load: LoadResult, baselineRps: number, evidence: EvidenceCheck | null): ScenarioResult {
  const ratio = baselineRps > 0 ? load.rps / baselineRps : 0;
  const clean = load.unexpected === 0 && load.errors === 0 && load.ok > 0;
  let met = clean;
  let verdict = clean ? '' : 'errors';
  if (scenario.kind === 'page') {
    // Judged apart: a page can be quick enough for people (p99) without the throughput ratio.
    const share = ratio >= TARGETS.pageRatio;
    const quick = load.p99 < TARGETS.pageP99;
    met &&= share && quick;
    verdict ||= `≥${TARGETS.pageRatio * 100}%: ${share ? 'met' : 'missed'}; p99<${TARGETS.pageP99} ms: ${quick ? 'met' : 'missed'}`;
  } else if (scenario.kind === 'pdf') {
    met &&= load.rps >= TARGETS.pdfPerSecond;
    verdict ||= `≥${TARGETS.pdfPerSecond}/s: ${met ? 'met' : 'missed'}`;
  } else if (scenario.kind === 'completion') {
    const fast = load.rps >= TARGETS.completionsPerSecond;
    met &&= fast && !!evidence?.ok;
    verdict ||= `≥${TARGETS.completionsPerSecond}/s: ${fast ? 'met' : 'missed'}; evidence ${evidence?.ok ? 'ok' : 'FAILED'}`;
  } else verdict ||= 'reference';
  return { ...load, name: scenario.name, label: scenario.label, kind: scenario.kind, ratio, baselineRps, met, verdict };
}

/** The short baseline measured between scenarios (seconds). */
const BETWEEN = { duration: 3, warmup: 1 };

/**
 * One result from several instances loaded at once: throughputs add up, the CPU per answer is
 * the total over the total, latencies are the slower instance's.
 */
function combine(results: LoadResult[]): LoadResult & { instanceCpuMs: (number | null)[] } {
  const ok = results.reduce((n, r) => n + r.ok, 0);
  const cpu = results.every((r) => r.cpuMs !== null) ? results.reduce((n, r) => n + (r.cpuMs as number) * r.ok, 0) : null;
  const statuses: Record<string, number> = {};
  const errorKinds: Record<string, number> = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  }
  return {
    seconds: Math.max(...results.map((r) => r.seconds)),
    ok,
    rps: results.reduce((n, r) => n + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    cpuMs: cpu === null || ok === 0 ? null : cpu / ok,
    unexpected: results.reduce((n, r) => n + r.unexpected, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    errorKinds,
    statuses,
    exhausted: results.some((r) => r.exhausted),
    instanceCpuMs: results.map((r) => r.cpuMs),
  };
}

export async function runPages(options: PagesOptions): Promise<PagesReport> {
  const log = options.log ?? (() => {});
  const selected = (options.only?.length ? options.only : [...SCENARIO_NAMES]).map((name) => SCENARIOS[name]);
  const seed = await seedDatabase({ teachers: options.teachers, database: options.database });
  log(`seeded ${seed.counts.teachers} teachers in ${seed.seconds.toFixed(1)} s: ${JSON.stringify(seed.counts)}`);
  type Extra = { onAck?: (tag: unknown) => void; duration?: number; warmup?: number };
  const load = (server: ServerProcess, scenario: Scenario, extra: Extra = {}) =>
    runLoad({
      url: server.url,
      connections: options.connections,
      duration: options.duration,
      warmup: options.warmup,
      next: scenario.requests(seed.pools, server.url),
      expect: scenario.expect,
      cpuSeconds: server.cpuSeconds,
      identity: options.identity,
      ...extra,
    });
  // Several instances share one request source (each completion is asked for once, by whichever
  // instance's connections come first) and one public address, as behind a load balancer.
  const loadAll = async (servers: ServerProcess[], scenario: Scenario, extra: Extra = {}) => {
    if (servers.length === 1) return load(servers[0]!, scenario, extra);
    const next = scenario.requests(seed.pools, servers[0]!.url);
    const results = await Promise.all(
      servers.map((server) =>
        runLoad({
          url: server.url,
          connections: Math.ceil(options.connections / servers.length),
          duration: options.duration,
          warmup: options.warmup,
          next,
          expect: scenario.expect,
          cpuSeconds: server.cpuSeconds,
          identity: options.identity,
          ...extra,
        }),
      ),
    );
    return combine(results);
  };

  try {
    // The bare baseline is measured at full length before and after the platform, and briefly
    // between scenarios: each scenario is compared with the baseline measured just before and
    // just after it, so the machine's other load at that moment cancels out (on a shared machine
    // the baseline moved from 13,000 to 8,000 req/s within one run). Both servers stay up, but
    // only one is under load at a time; the idle one costs nothing.
    const bare = await startBaseline();
    const first = await startPlatform({ database: seed.database, cpuProfileDir: options.cpuProfileDir, logLevel: options.logLevel });
    const platforms = [first];
    for (let i = 1; i < (options.instances ?? 1); i++) {
      platforms.push(
        await startPlatform({ database: seed.database, cpuProfileDir: options.cpuProfileDir, logLevel: options.logLevel, env: { BASE_URL: first.url } }),
      );
    }
    const loadBefore = os.loadavg()[0]!;
    const loads: { scenario: Scenario; load: LoadResult; reference: number }[] = [];
    const acks: Ack[] = [];
    let window: { from: number; to: number } | undefined;
    let baselineBefore: LoadResult;
    let baselineAfter: LoadResult;
    try {
      baselineBefore = await load(bare, BASELINE);
      log(`baseline: ${baselineBefore.rps.toFixed(0)} req/s, ${baselineBefore.cpuMs?.toFixed(2)} CPU ms/req, p99 ${baselineBefore.p99} ms`);
      let previous = baselineBefore.rps;
      for (const [i, scenario] of selected.entries()) {
        const from = Date.now();
        const result = await loadAll(platforms, scenario, {
          onAck: (tag) => {
            const pair = tag as CompletionPair | undefined;
            if (pair) acks.push({ userId: pair.userId, moduleId: pair.moduleId });
          },
        });
        if (scenario.kind === 'completion') window = { from, to: Date.now() };
        if (result.exhausted) log(`${scenario.name}: the request pool ran out; the run ended early (seed more teachers)`);
        const last = i === selected.length - 1;
        const next = last
          ? await load(bare, BASELINE)
          : await load(bare, BASELINE, { duration: Math.min(BETWEEN.duration, options.duration), warmup: Math.min(BETWEEN.warmup, options.warmup) });
        if (last) baselineAfter = next;
        loads.push({ scenario, load: result, reference: (previous + next.rps) / 2 });
        previous = next.rps;
        log(
          `${scenario.name}: ${result.rps.toFixed(0)} req/s, ${result.cpuMs?.toFixed(2)} CPU ms/req, p50 ${result.p50} ms, p99 ${result.p99} ms, statuses ${JSON.stringify(result.statuses)}, errors ${result.errors} ${JSON.stringify(result.errorKinds)}; baseline around it ${loads.at(-1)!.reference.toFixed(0)} req/s`,
        );
      }
    } finally {
      await Promise.all(platforms.map((p) => p.stop()));
      await bare.stop();
    }
    baselineAfter ??= baselineBefore;
    log(`baseline again: ${baselineAfter.rps.toFixed(0)} req/s, p99 ${baselineAfter.p99} ms`);
    const reference = (baselineBefore.rps + baselineAfter.rps) / 2;
    const baseline = judge(BASELINE, baselineBefore, reference, null);
    const baselineAgain = judge(BASELINE, baselineAfter, reference, null);
    const evidence = selected.some((s) => s.kind === 'completion') ? await checkCompletions(seed.database, acks, seed.competencies, window) : null;
    if (evidence) log(`evidence: ${JSON.stringify(evidence)}`);
    const scenarios = loads.map(({ scenario, load: l, reference: around }) => ({
      ...judge(scenario, l, around, evidence),
      ...('instanceCpuMs' in l ? { instanceCpuMs: (l as { instanceCpuMs: (number | null)[] }).instanceCpuMs } : {}),
    }));
    const ok = [baseline, baselineAgain, ...scenarios].every((s) => s.unexpected === 0 && s.errors === 0 && s.ok > 0) && (evidence?.ok ?? true);
    const { log: _log, ...shown } = options;
    return {
      date: new Date().toISOString(),
      machine: machine(),
      options: shown,
      seed: { seconds: seed.seconds, counts: seed.counts },
      loadAverage: [loadBefore, os.loadavg()[0]!],
      baselineRps: reference,
      baseline,
      baselineAgain,
      scenarios,
      evidence,
      ok,
    };
  } finally {
    if (!options.keep) fs.rmSync(seed.dir, { recursive: true, force: true });
    else log(`database kept in ${seed.database}`);
  }
}
