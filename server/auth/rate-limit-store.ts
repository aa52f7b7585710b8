import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../db/client.ts';
import { rateLimits } from '../db/schema.ts';

// Counters live in the database so every app instance counts the same attempts. Only portable
// SQL (upsert, CASE, RETURNING) through drizzle: the same code must run on PostgreSQL.

const SWEEP_EVERY = 60 * 1000;
/** When each database last had its expired counters deleted (per process; any instance may sweep). */
const lastSweep = new WeakMap<Db, number>();

/** Deletes counters whose window has passed: one indexed range delete on reset_at. */
export async function sweepExpiredRateLimits(db: Db, now = Date.now()): Promise<void> {
  await db.delete(rateLimits).where(lte(rateLimits.resetAt, now));
}

/**
 * An express-rate-limit Store over the rate_limits table: a fixed window per key. Each limiter
 * needs its own instance (the library checks) with a stable prefix, so two app instances that
 * build the same limiter share its counters.
 */
export class DatabaseStore implements Store {
  readonly localKeys = false;
  private windowMs = 60 * 1000;

  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.db
      .select()
      .from(rateLimits)
      .where(and(eq(rateLimits.key, this.prefix + key), gt(rateLimits.resetAt, Date.now())));
    return row ? { totalHits: row.hits, resetTime: new Date(row.resetAt) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = Date.now();
    const resetAt = now + this.windowMs;
    // One statement, so concurrent requests (from any instance) never lose a hit; a row whose
    // window has passed starts again at 1. SET expressions read the row as it was.
    const expired = sql`${rateLimits.resetAt} <= ${now}`;
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key: this.prefix + key, hits: 1, resetAt })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
          resetAt: sql`case when ${expired} then ${resetAt} else ${rateLimits.resetAt} end`,
        },
      })
      .returning({ hits: rateLimits.hits, resetAt: rateLimits.resetAt });
    if (!row) throw new Error('rate limit upsert returned no row');
    if (now - (lastSweep.get(this.db) ?? 0) >= SWEEP_EVERY) {
      lastSweep.set(this.db, now);
      await sweepExpiredRateLimits(this.db, now);
    }
    return { totalHits: row.hits, resetTime: new Date(row.resetAt) };
  }

  /** Takes back a hit (a request that turned out not to count), never below zero or into a new window. */
  async decrement(key: string): Promise<void> {
    await this.db
      .update(rateLimits)
      .set({ hits: sql`${rateLimits.hits} - 1` })
      .where(and(eq(rateLimits.key, this.prefix + key), gt(rateLimits.hits, 0), gt(rateLimits.resetAt, Date.now())));
  }

  async resetKey(key: string): Promise<void> {
    await this.db.delete(rateLimits).where(eq(rateLimits.key, this.prefix + key));
  }
}
