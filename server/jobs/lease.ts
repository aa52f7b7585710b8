import { and, eq, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { leases } from '../db/schema.ts';

/**
 * Takes or renews the lease `name` for `holder` until now + ttlMs, when it is free, expired or
 * already this holder's: one atomic upsert, so of several instances asking at once exactly one
 * gets it. Returns whether `holder` holds it now.
 */
export async function holdLease(db: Db, name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const rows = await db
    .insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder, expiresAt: now + ttlMs },
      where: or(lte(leases.expiresAt, now), eq(leases.holder, holder)),
    })
    .returning({ holder: leases.holder });
  return rows.length === 1 && rows[0]?.holder === holder;
}

/** Gives the lease up (at shutdown), so another instance takes over at its next turn, not after expiry. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, holder)));
}
