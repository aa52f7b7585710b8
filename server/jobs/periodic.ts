import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { holdLease, releaseLease } from './lease.ts';

/** This process among the instances sharing the database (leases name it). */
export const INSTANCE_ID = randomUUID();

export interface PeriodicJob {
  name: string;
  everyMs: number;
  work(db: Db): Promise<unknown>;
}

/**
 * Runs each job every `everyMs` on exactly one of the instances sharing the database: at each
 * turn an instance tries to take or renew the job's lease for one period, and only the holder
 * works. If the holder dies, its lease runs out and another instance takes over at its next turn.
 * The first turn runs at once. Returns a stop function that gives the leases up.
 */
export function startPeriodic(db: Db, jobs: PeriodicJob[], logger: Logger, holder: string = INSTANCE_ID): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  const turn = (job: PeriodicJob) => {
    const done = (async () => {
      try {
        // A period and a half: still the holder's at its next turn (timers drift), and taken over
        // within two periods when the holder dies.
        if (await holdLease(db, job.name, holder, job.everyMs + job.everyMs / 2)) await job.work(db);
      } catch (err) {
        logger.error({ err, job: job.name }, 'periodic job failed');
      }
    })();
    running.add(done);
    void done.finally(() => running.delete(done));
  };
  for (const job of jobs) {
    turn(job);
    const timer = setInterval(() => turn(job), job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
    await Promise.all(jobs.map((job) => releaseLease(db, job.name, holder).catch(() => undefined)));
  };
}
