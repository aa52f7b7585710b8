import { asc, count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { asBoolean, joinedValues } from '../db/dialect.ts';
import { users } from '../db/schema.ts';
import { matchesPerson, splitRoles } from './queries.ts';
import { person, recountPlaces } from '../evidence/place-counts.ts';

// The administrators' user list at /admin/users and what it changes beside roles.

const rolesOfRow = (id: typeof users.id) => sql<string | null>`(SELECT ${joinedValues(sql`role`)} FROM user_roles WHERE user_id = ${id})`;

export async function listUsers(db: DbOrTx, opts: { q?: string; page: number; perPage: number }) {
  const where = opts.q ? matchesPerson(opts.q) : undefined;
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      school: users.school,
      region: users.region,
      hasPassword: asBoolean(sql`${users.passwordHash} IS NOT NULL`),
      alsoTeaches: users.alsoTeaches,
      roles: rolesOfRow(users.id),
    })
    .from(users)
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage);
  const [total] = await db.select({ n: count() }).from(users).where(where);
  return { rows: rows.map((r) => ({ ...r, roles: splitRoles(r.roles) })), total: total?.n ?? 0 };
}

/** Marks a trainer or administrator as also teaching (counted in compliance reports) or not. False when no such account. */
export async function setAlsoTeaches(db: DbOrTx, userId: number, alsoTeaches: boolean): Promise<boolean> {
  const changed = await db.transaction((tx) =>
    recountPlaces(tx, person(userId), () => tx.update(users).set({ alsoTeaches }).where(eq(users.id, userId)).returning({ id: users.id })),
  );
  return changed.length > 0;
}
