import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from './app.ts';
import { prepareSetupLink } from './auth/link-routes.ts';
import { deleteExpiredSessions } from './auth/sessions.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { closeDatabase, openMigratedDatabase, startupExclusive, type Db } from './db/client.ts';
import { ensurePlaceCounts } from './evidence/place-counts.ts';
import { CoursePackageError, loadCourses } from './courses/loader.ts';
import { startPeriodic } from './jobs/periodic.ts';
import { smtpTransport } from './mail/transport.ts';
import { runReminders } from './reminders/job.ts';

/** How long requests in flight may take to finish at shutdown. */
const SHUTDOWN_GRACE_MS = 5000;

export interface Started {
  server: Server;
  db: Db;
  config: Config;
  url: string;
  setupUrl: string | null;
  close(): Promise<void>;
}

/** Reads config, migrates, loads courses, listens. Used by `npm start`, browser tests and benchmarks. */
export async function start(env: Record<string, string | undefined> = process.env): Promise<Started> {
  const config = loadConfig(env);
  const logger = pino({ level: config.logLevel });
  // Migrations, course sync and the first administrator's link: one instance at a time when
  // several start together on PostgreSQL (an advisory lock), so none sees another's half-done work.
  const db = await openMigratedDatabase(config.database, { poolSize: config.databasePoolSize });
  const report = await startupExclusive(db, () => loadCourses(db, config.coursesPath));
  logger.info({ courses: report.courses, modules: report.modules, archived: report.archived }, 'courses loaded');
  // The report's per-place counts apply the level rule: made again when it changed (or never was).
  if (await startupExclusive(db, () => ensurePlaceCounts(db))) logger.info('compliance counts per place rebuilt for the evidence rule');
  const stopPeriodic = startPeriodic(
    db,
    [
      { name: 'session-sweep', everyMs: 60 * 60 * 1000, work: deleteExpiredSessions },
      // The job gets only db: the reminder run closes over the mail settings it needs.
      { name: 'reminders', everyMs: config.remindersEveryMs, work: () => runReminders({ db, config, logger, mailTransport: smtpTransport }) },
    ],
    logger,
  );

  const app = createApp({ db, config, logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const setupUrl = await startupExclusive(db, async () => prepareSetupLink(db, config.baseUrl === `http://localhost:${config.port}` ? url : config.baseUrl));
  return {
    server,
    db,
    config,
    url,
    setupUrl,
    close: async () => {
      // Stop taking requests, let those in flight finish (at most a few seconds: a load balancer
      // has already moved on), and only then close the database they use.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await stopPeriodic();
      await closeDatabase(db);
    },
  };
}

const isEntryPoint = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  try {
    const started = await start();
    console.log(`Platform listening on ${started.url}`);
    if (started.setupUrl) {
      console.log(`\nNo administrator yet. Open this one-time link to create the first one:\n  ${started.setupUrl}\n`);
    }
    const stop = () => started.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof CoursePackageError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
