import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { closeDatabase, openDatabase } from '../../server/db/client.ts';

// The server under test, in a child process of bench/report.ts: the real app serving the
// benchmark database (argv[2]: a SQLite file, or a postgres:// URL, in which case the parent
// has set DATABASE_URL in the environment this process inherits) on a socket, in production mode (cached templates, compression). It
// samples its own RSS every 20 ms, so the peak it reports belongs to serving alone, not to
// the client reading the responses or to generating the data.
//
// IPC: sends { port } when listening; answers 'reset' with { rss } (the peak restarts from
// now) and 'peak' with { peak, heapTotal, external } (the latter two when RSS peaked);
// exits on 'stop'.

export type ServerMessage = { port: number } | { rss: number } | { peak: number; heapTotal: number; external: number };

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dbPath = process.argv[2]!;
const db = await openDatabase(dbPath);
const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const location = dbPath.includes('://') ? { DATABASE_URL: dbPath } : { DATABASE_PATH: dbPath };
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...location, BASE_URL: base, COURSES_PATH: path.join(ROOT, 'courses') });
  server.on('request', createApp({ db, config, logger: pino({ level: 'silent' }) }));
  process.send?.({ port } satisfies ServerMessage);
});

let peak = 0;
let atPeak = process.memoryUsage();
const sample = () => {
  const now = process.memoryUsage();
  if (now.rss > peak) {
    peak = now.rss;
    atPeak = now;
  }
};
const sampler = setInterval(sample, 20);

process.on('message', (message) => {
  if (message === 'reset') {
    global.gc?.();
    peak = process.memoryUsage().rss;
    process.send?.({ rss: peak } satisfies ServerMessage);
  } else if (message === 'peak') {
    sample();
    process.send?.({ peak, heapTotal: atPeak.heapTotal, external: atPeak.external } satisfies ServerMessage);
  } else if (message === 'stop') {
    clearInterval(sampler);
    server.close();
    server.closeAllConnections();
    void closeDatabase(db).finally(() => process.disconnect?.());
  }
});
