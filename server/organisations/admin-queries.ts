import { aliasedTable, and, asc, count, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { type OrganisationKind, organisationNames, organisations, USER_LANGUAGES, users } from '../db/schema.ts';
import { recountPlaces } from '../evidence/place-counts.ts';
import { displayName, searchTextOf } from './names.ts';
import { type PlacedOrganisation, wordConditions } from './queries.ts';

// The administrators' reads and writes of the registry beyond queries.ts: the paginated list,
// the parents an entry may have, descendants, and merging a duplicate into another entry.

const parent = aliasedTable(organisations, 'parent_org');

export interface ListedOrganisation {
  id: number;
  kind: OrganisationKind;
  code: string | null;
  nameEn: string;
  nameRu: string;
  parentId: number | null;
  parentNameEn: string | null;
  parentNameRu: string | null;
  people: number;
  children: number;
}

/** The same word matching as searchOrganisations (queries.ts), with kind and parent filters, counted and paginated. */
export async function listOrganisations(
  db: DbOrTx,
  opts: { q: string; kind: OrganisationKind | null; parentId: number | null; page: number; perPage: number },
): Promise<{ rows: ListedOrganisation[]; total: number }> {
  const conditions: SQL[] = wordConditions(opts.q);
  if (opts.kind) conditions.push(eq(organisations.kind, opts.kind));
  if (opts.parentId !== null) conditions.push(eq(organisations.parentId, opts.parentId));
  const where = conditions.length ? and(...conditions) : undefined;
  const rows = (await db
    .select({
      id: organisations.id,
      kind: organisations.kind,
      code: organisations.code,
      nameEn: organisations.nameEn,
      nameRu: organisations.nameRu,
      parentId: organisations.parentId,
      parentNameEn: parent.nameEn,
      parentNameRu: parent.nameRu,
    })
    .from(organisations)
    .leftJoin(parent, eq(parent.id, organisations.parentId))
    .where(where)
    .orderBy(sql`CASE ${organisations.kind} WHEN 'country' THEN 0 WHEN 'region' THEN 1 ELSE 2 END`, asc(organisations.searchText), asc(organisations.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)) as Omit<ListedOrganisation, 'people' | 'children'>[];
  const [total] = await db.select({ n: count() }).from(organisations).where(where);
  const ids = rows.map((r) => r.id);
  const people = new Map<number, number>();
  const children = new Map<number, number>();
  if (ids.length) {
    for (const r of await db
      .select({ id: users.organisationId, n: count() })
      .from(users)
      .where(inArray(users.organisationId, ids))
      .groupBy(users.organisationId))
      people.set(r.id!, Number(r.n));
    for (const r of await db
      .select({ id: organisations.parentId, n: count() })
      .from(organisations)
      .where(inArray(organisations.parentId, ids))
      .groupBy(organisations.parentId))
      children.set(r.id!, Number(r.n));
  }
  return { rows: rows.map((r) => ({ ...r, people: people.get(r.id) ?? 0, children: children.get(r.id) ?? 0 })), total: Number(total?.n ?? 0) };
}

/** Every entry of the given kinds (the parents an entry may choose), by name. */
export async function entriesOfKinds(db: DbOrTx, kinds: readonly OrganisationKind[]) {
  if (!kinds.length) return [];
  return db
    .select({ id: organisations.id, kind: organisations.kind, code: organisations.code, nameEn: organisations.nameEn, nameRu: organisations.nameRu })
    .from(organisations)
    .where(inArray(organisations.kind, [...kinds]))
    .orderBy(asc(organisations.kind), asc(organisations.searchText), asc(organisations.id));
}

/** The ids of the entry's descendants (a registry is three levels deep). */
export async function descendantIds(db: DbOrTx, id: number): Promise<Set<number>> {
  const found = new Set<number>();
  let level = [id];
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const rows = await db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.parentId, level));
    level = rows.map((r) => r.id).filter((x) => !found.has(x) && x !== id);
    for (const x of level) found.add(x);
  }
  return found;
}

/** Another entry of the kind holding the code, if any. */
export async function codeTaken(db: DbOrTx, kind: OrganisationKind, code: string, except: number): Promise<boolean> {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.kind, kind), eq(organisations.code, code), ne(organisations.id, except)))
    .limit(1);
  return !!row;
}

export async function childCount(db: DbOrTx, id: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organisations).where(eq(organisations.parentId, id));
  return Number(row?.n ?? 0);
}

export async function nameKeysOf(db: DbOrTx, id: number): Promise<string[]> {
  const rows = await db
    .select({ key: organisationNames.nameKey })
    .from(organisationNames)
    .where(eq(organisationNames.organisationId, id))
    .orderBy(asc(organisationNames.nameKey));
  return rows.map((r) => r.key);
}

/**
 * Moves the duplicate's people, child entries and names to the target and deletes it, in one
 * transaction. The target takes the duplicate's code when it has none. The moved people's free
 * text becomes the target's names (as setPersonOrganisation does). Checks are the caller's (merge.ts).
 */
export async function mergeInto(db: Db, duplicate: PlacedOrganisation, target: PlacedOrganisation, now = Date.now()): Promise<boolean> {
  const chain = [target, target.parent, target.grandparent].filter((o) => o !== null);
  const named = (kind: OrganisationKind, lang: string) => {
    const o = chain.find((c) => c.kind === kind);
    return o ? displayName(o, lang) : '';
  };
  return db.transaction(async (tx) => {
    // Either entry may have gone since the check (another merge): then nothing moves.
    const present = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(inArray(organisations.id, [duplicate.id, target.id]));
    if (present.length !== 2) return false;
    // Both entries' people are taken out of the report's counts and put back where they end up.
    await recountPlaces(tx, sql`u.organisation_id IN (${duplicate.id}, ${target.id})`, async () => {
      for (const lang of USER_LANGUAGES) {
        await tx
          .update(users)
          .set({ organisationId: target.id, school: named('school', lang), region: named('region', lang), country: named('country', lang) })
          .where(and(eq(users.organisationId, duplicate.id), eq(users.language, lang)));
      }
      // Anyone else still pointing at the duplicate (a language outside the list) moves too, never lost.
      await tx.update(users).set({ organisationId: target.id }).where(eq(users.organisationId, duplicate.id));
    });
    await tx.update(organisations).set({ parentId: target.id, updatedAt: now }).where(eq(organisations.parentId, duplicate.id));
    const keys = await tx.select({ key: organisationNames.nameKey }).from(organisationNames).where(eq(organisationNames.organisationId, duplicate.id));
    if (keys.length)
      await tx
        .insert(organisationNames)
        .values(keys.map((k) => ({ organisationId: target.id, kind: target.kind, nameKey: k.key })))
        .onConflictDoNothing();
    await tx.delete(organisationNames).where(eq(organisationNames.organisationId, duplicate.id));
    await tx.delete(organisations).where(eq(organisations.id, duplicate.id));
    if (target.code === null && duplicate.code !== null) {
      await tx
        .update(organisations)
        .set({ code: duplicate.code, searchText: searchTextOf({ ...target, code: duplicate.code }), updatedAt: now })
        .where(eq(organisations.id, target.id));
    }
    return true;
  });
}
