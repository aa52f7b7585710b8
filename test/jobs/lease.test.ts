import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { holdLease, releaseLease } from '../../server/jobs/lease.ts';
import { startPeriodic } from '../../server/jobs/periodic.ts';
import { testDatabase } from '../support/database.ts';

// Periodic work (the session sweep, later reminders) must run on one instance at a time: a
// lease row in the database decides which. Instances are stood in for by holder names on one
// database; test/db/instances.test.ts runs real processes.

describe('leases', () => {
  it('gives a free lease to exactly one of several asking at once', async () => {
    const db = await testDatabase();
    const holders = Array.from({ length: 8 }, (_, i) => `instance-${i}`);
    const won = await Promise.all(holders.map((h) => holdLease(db, 'sweep', h, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = holders[won.indexOf(true)] as string;
    // The holder renews it; the others still cannot take it.
    expect(await holdLease(db, 'sweep', winner, 60_000)).toBe(true);
    expect(await holdLease(db, 'sweep', holders.find((h) => h !== winner) as string, 60_000)).toBe(false);
  });

  it('passes to another holder once it has expired, or at once when given up', async () => {
    const db = await testDatabase();
    const now = Date.now();
    expect(await holdLease(db, 'sweep', 'a', 1000, now)).toBe(true);
    expect(await holdLease(db, 'sweep', 'b', 1000, now + 999)).toBe(false);
    expect(await holdLease(db, 'sweep', 'b', 1000, now + 1000)).toBe(true);
    expect(await holdLease(db, 'sweep', 'a', 1000, now + 1500)).toBe(false);
    await releaseLease(db, 'sweep', 'b');
    expect(await holdLease(db, 'sweep', 'a', 1000, now + 1600)).toBe(true);
    // Another job's lease is a separate row.
    expect(await holdLease(db, 'reminders', 'b', 1000, now + 1600)).toBe(true);
  });

  it('runs a periodic job on one instance only, and on another after the first stops', async () => {
    const db = await testDatabase();
    const runs: string[] = [];
    const job = (who: string) => ({
      name: 'sweep',
      everyMs: 60_000,
      work: async () => {
        runs.push(who);
      },
    });
    const logger = pino({ level: 'silent' });
    const stopA = startPeriodic(db, [job('a')], logger, 'a');
    const stopB = startPeriodic(db, [job('b')], logger, 'b');
    await expect.poll(() => runs.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toHaveLength(1);
    const first = runs[0] as string;
    // The holder stops (gives its lease up); the other instance's next turn takes over.
    await (first === 'a' ? stopA : stopB)();
    const other = first === 'a' ? 'b' : 'a';
    expect(await holdLease(db, 'sweep', other, 60_000)).toBe(true);
    await (first === 'a' ? stopB : stopA)();
  });
});
