import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase, rawRows } from '../../server/db/client.ts';
import type { ServerMessage } from './report-server.ts';

// Times the compliance report against the server child (bench/lib/report-server.ts): this
// process is the client. It signs in as an administrator, requests each scenario `runs`
// times, reads every body to the end as a browser saving a download would (and throws it
// away), and asks the server for its peak RSS during each scenario.

export interface Scenario {
  name: string;
  url: string;
  target?: { ms: number; label: string };
}

export interface Measured extends Scenario {
  runs: number[];
  median: number;
  peakRssMb: number;
  /** V8 heap (heapTotal) and external memory when RSS peaked: what the peak was made of. */
  heapAtPeakMb: number;
  externalAtPeakMb: number;
  bytes: number;
  lines: number;
  status: number;
}

export interface MeasureResult {
  label: string;
  /** os.loadavg() (1, 5, 15 minutes) before and after: other work on the machine skews the figures. */
  load: { before: number[]; after: number[] };
  idleRssMb: number;
  peakRssMb: number;
  results: Measured[];
}

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MB = 1024 * 1024;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ask<T extends ServerMessage>(child: ChildProcess, message: string | null, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ServerMessage) => {
      if (!(key in reply)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply as T);
    };
    const onExit = (code: number | null) => reject(new Error(`server exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) child.send(message);
  });
}

async function fetchAll(url: string, cookie: string): Promise<{ status: number; bytes: number; lines: number }> {
  const res = await fetch(url, { headers: { cookie, 'Accept-Language': 'en' } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return { status: res.status, bytes, lines };
}

export async function measure(options: {
  dbPath: string;
  email: string;
  password: string;
  runs: number;
  label: string;
  scenarios: Scenario[];
}): Promise<MeasureResult> {
  const before = os.loadavg();
  const child = fork(path.join(ROOT, 'bench/lib/report-server.ts'), [options.dbPath], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await ask<{ port: number }>(child, null, 'port');
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
      body: new URLSearchParams({ email: options.email, password: options.password }),
    });
    if (login.status !== 303) throw new Error(`login failed: ${login.status}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    // Warm up (template compilation, JIT, SQLite's page cache) with a small report, not timed.
    await fetchAll(`${base}/admin/reports/compliance?group=school&region=none`, cookie);
    const { rss: idle } = await ask<{ rss: number }>(child, 'reset', 'rss');

    // A connection of its own for the SQL baseline (on SQLite, its read-only reader answers).
    const counter = await openDatabase(options.dbPath, { poolSize: 1 });
    const results: Measured[] = [];
    let overall = idle;
    for (const scenario of options.scenarios) {
      await ask(child, 'reset', 'rss');
      const runs: number[] = [];
      let last = { status: 0, bytes: 0, lines: 0 };
      for (let i = 0; i < options.runs; i++) {
        const started = performance.now();
        if (scenario.url === 'sql:count') {
          await rawRows(counter, sql`SELECT COUNT(*) FROM competency_evidence`);
          last = { status: 200, bytes: 0, lines: 0 };
        } else {
          last = await fetchAll(`${base}${scenario.url}`, cookie);
        }
        runs.push(performance.now() - started);
      }
      const { peak, heapTotal, external } = await ask<{ peak: number; heapTotal: number; external: number }>(child, 'peak', 'peak');
      overall = Math.max(overall, peak);
      results.push({ ...scenario, ...last, runs, median: median(runs), peakRssMb: peak / MB, heapAtPeakMb: heapTotal / MB, externalAtPeakMb: external / MB });
    }
    await closeDatabase(counter);
    return { label: options.label, load: { before, after: os.loadavg() }, idleRssMb: idle / MB, peakRssMb: overall / MB, results };
  } finally {
    if (child.connected) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    }
  }
}
