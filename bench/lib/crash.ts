import fs from 'node:fs';
import { type Ack, checkCompletions, type EvidenceCheck } from './evidence.ts';
import { runLoad } from './load.ts';
import { machine, type Machine } from './pages.ts';
import { completionAcknowledged, completionRequests, SESSION_COOKIE } from './scenarios.ts';
import { type CompletionPair, seedDatabase } from './seed.ts';
import { type ServerProcess, startPlatform } from './server-process.ts';

// Durability under a process kill: teachers complete modules at full speed, the server is
// SIGKILLed mid-run (no shutdown code, no checkpoint), restarted on the same file, and every
// completion that had been answered 303 must still be there with its evidence and learning
// record. This repeats a few times, killing at a different moment each time. better-sqlite3
// commits before the handler redirects, and a committed WAL frame is in the OS page cache,
// which survives the process; synchronous=NORMAL only risks the last transactions on power
// loss, which this test does not (and cannot) simulate.

export interface CrashOptions {
  teachers: number;
  connections: number;
  killAfter: number; // seconds of load before the first kill (later ones a little later)
  cycles: number; // kill and restart this many times
  /** The postgres:// URL of an empty database, instead of a new SQLite file. */
  database?: string;
  log?: (line: string) => void;
}

export interface CrashReport {
  date: string;
  machine: Machine;
  options: Omit<CrashOptions, 'log'>;
  acknowledged: number;
  found: number;
  lost: number;
  committedUnacknowledged: number; // written but killed before the answer left: allowed
  duplicates: number;
  integrity: string; // after every restart
  restartedHealthy: boolean;
  evidence: EvidenceCheck;
  ok: boolean;
}

/** Load until the kill; returns when the clients have seen the refused connections. */
async function loadThenKill(server: ServerProcess, options: CrashOptions, next: ReturnType<typeof completionRequests>, acks: Ack[], killAfter: number) {
  let killed = false;
  await runLoad({
    url: server.url,
    connections: options.connections,
    duration: killAfter + 60, // the kill ends it long before
    warmup: 0,
    next,
    expect: completionAcknowledged,
    onAck: (tag) => {
      const pair = tag as CompletionPair;
      acks.push({ userId: pair.userId, moduleId: pair.moduleId });
    },
    onStart: (stop) => {
      setTimeout(async () => {
        await server.kill();
        killed = true;
        setTimeout(stop, 300);
      }, killAfter * 1000);
    },
  });
  if (!killed) throw new Error('the run ended before the server was killed: seed more teachers');
}

export async function runCrash(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => {});
  const seed = await seedDatabase({ teachers: options.teachers, database: options.database });
  log(`seeded ${seed.counts.teachers} teachers in ${seed.seconds.toFixed(1)} s; ${seed.pools.completions.length} possible completions`);
  try {
    const acks: Ack[] = [];
    const cursor = { next: 0 };
    const from = Date.now();
    const integrity: string[] = [];
    let evidence: EvidenceCheck | undefined;
    let server = await startPlatform({ database: seed.database });
    try {
      for (let cycle = 1; cycle <= options.cycles; cycle++) {
        const killAfter = options.killAfter + (cycle - 1) * 0.77; // a different moment of the work each time
        await loadThenKill(server, options, completionRequests(seed.pools.completions, server.url, cursor), acks, killAfter);
        log(`cycle ${cycle}: SIGKILL after ${killAfter.toFixed(2)} s; ${acks.length} completions acknowledged so far`);
        server = await startPlatform({ database: seed.database }); // migrates and loads courses again, as on a real restart
        evidence = await checkCompletions(seed.database, acks, seed.competencies, { from, to: Date.now() });
        integrity.push(evidence.integrity);
        log(`cycle ${cycle}: restarted; found ${evidence.found} of ${evidence.acknowledged}, integrity ${evidence.integrity}`);
      }
      // The restarted server must serve a teacher whose completion was acknowledged before a kill.
      const pair = seed.pools.completions.find((p) => p.userId === acks[0]?.userId && p.moduleId === acks[0]?.moduleId);
      const res = pair
        ? await fetch(`${server.url}${pair.path.replace(/\/(quiz|complete)$/, '')}`, { headers: { cookie: `${SESSION_COOKIE}=${pair.token}` } })
        : null;
      const restartedHealthy = res?.status === 200 && (await res.text()).includes('module-status');
      const e = evidence!;
      const lost = e.acknowledged - e.found;
      const allOk = integrity.every((i) => i === 'ok');
      const { log: _log, ...shown } = options;
      return {
        date: new Date().toISOString(),
        machine: machine(),
        options: shown,
        acknowledged: e.acknowledged,
        found: e.found,
        lost,
        committedUnacknowledged: Math.max(0, e.completedDuringRun - e.acknowledged),
        duplicates: e.duplicates,
        integrity: allOk ? 'ok' : integrity.join(' | '),
        restartedHealthy,
        evidence: e,
        ok: lost === 0 && e.duplicates === 0 && allOk && restartedHealthy && e.acknowledged > 0,
      };
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(seed.dir, { recursive: true, force: true });
  }
}

export function crashBlock(report: CrashReport): string {
  const m = report.machine;
  const o = report.options;
  const engine = o.database ? 'PostgreSQL' : 'SQLite';
  return [
    `Last crash run: ${report.date.slice(0, 10)}, ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${o.teachers.toLocaleString('en-GB')} teachers, ` +
      `${o.connections} connections completing modules; the server was SIGKILLed ${o.cycles} times (after ${o.killAfter} s of load, then a little later ` +
      `each time) and restarted on the same ${engine === 'SQLite' ? 'file' : 'PostgreSQL database'} each time.`,
    '',
    '| kills | acknowledged (303) | found after restarts | lost | committed, unanswered | duplicates | integrity_check after each restart | restarted server serves |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    `| ${o.cycles} | ${report.acknowledged} | ${report.found} | ${report.lost} | ${report.committedUnacknowledged} | ${report.duplicates} | ${report.integrity} | ${report.restartedHealthy ? 'yes' : 'no'} |`,
    '',
    `Verdict: ${report.ok ? 'no acknowledged completion lost' : 'FAILED'}.`,
  ].join('\n');
}
