import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { engineOf } from '../../server/db/engine.ts';
import { ROOT } from './seed.ts';

// Servers under test run in their own process, as in production: the load generator then
// cannot steal their event loop, and the durability scenario can SIGKILL them for real.

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** SIGTERM and wait: the platform closes its database and writes its CPU profile, if any. */
  stop(): Promise<void>;
  /** SIGKILL and wait: no shutdown code runs at all. */
  kill(): Promise<void>;
  /** CPU seconds the process has used (user + system), or null where /proc is missing. */
  cpuSeconds(): number | null;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time of a process from /proc: unlike wall-clock throughput, it hardly changes when other
 * work shares the machine, so "server CPU ms per request" stays comparable between runs.
 */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return null;
  }
}

/** A port nobody listens on right now, so BASE_URL can name it before the server starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${output()}`);
}

async function spawnServer(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    // The load generator stands in for a reverse proxy on loopback: it names each simulated visitor's
    // address in X-Forwarded-For, which the server trusts only because TRUST_PROXY says so.
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), BASE_URL: url, TRUST_PROXY: 'loopback', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000); // enough to explain a failed start
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  await waitHealthy(url, child, () => log);
  return { name, url, pid: child.pid!, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), cpuSeconds: () => cpuSecondsOf(child.pid!) };
}

/** What tells the server where its database is: DATABASE_URL for PostgreSQL, else DATABASE_PATH (and DATABASE_URL unset). */
export function databaseEnv(database: string): Record<string, string> {
  return engineOf(database) === 'postgres' ? { DATABASE_URL: database } : { DATABASE_URL: '', DATABASE_PATH: database };
}

/** The real platform (server/main.ts) on the given database (a SQLite file or a postgres:// URL). */
export function startPlatform(options: { database: string; cpuProfileDir?: string; logLevel?: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  return spawnServer(
    'platform',
    path.join(ROOT, 'server/main.ts'),
    {
      ...databaseEnv(options.database),
      COURSES_PATH: path.join(ROOT, 'courses'),
      ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
      ...options.env,
    },
    nodeArgs,
  );
}

/** The bare Express 5 + EJS page every run is compared with. */
export function startBaseline(): Promise<ServerProcess> {
  return spawnServer('baseline', path.join(ROOT, 'bench/lib/baseline-app.ts'), {});
}
