import { aliasedTable, and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { type OrganisationKind, organisationNames, organisations, users } from '../db/schema.ts';
import { person, recountPlaces } from '../evidence/place-counts.ts';
import { displayName, nameKey, searchTextOf, searchWords } from './names.ts';

// The organisation registry's reads and writes (the import and the admin pages build on these).

export type Organisation = typeof organisations.$inferSelect;

/** An entry with the names of its parent and grandparent: what a pick list and a report show. */
export interface PlacedOrganisation extends Pick<Organisation, 'id' | 'kind' | 'code' | 'nameEn' | 'nameRu' | 'parentId'> {
  parent: { id: number; kind: OrganisationKind; nameEn: string; nameRu: string } | null;
  grandparent: { id: number; kind: OrganisationKind; nameEn: string; nameRu: string } | null;
}

const parent = aliasedTable(organisations, 'parent_org');
const grandparent = aliasedTable(organisations, 'grandparent_org');

function placed() {
  return {
    id: organisations.id,
    kind: organisations.kind,
    code: organisations.code,
    nameEn: organisations.nameEn,
    nameRu: organisations.nameRu,
    parentId: organisations.parentId,
    parentKind: parent.kind,
    parentNameEn: parent.nameEn,
    parentNameRu: parent.nameRu,
    grandparentId: grandparent.id,
    grandparentKind: grandparent.kind,
    grandparentNameEn: grandparent.nameEn,
    grandparentNameRu: grandparent.nameRu,
  };
}

type PlacedRow = { [K in keyof ReturnType<typeof placed>]: ReturnType<typeof placed>[K]['_']['data'] | null };

function toPlaced(r: PlacedRow): PlacedOrganisation {
  return {
    id: r.id!,
    kind: r.kind!,
    code: r.code,
    nameEn: r.nameEn ?? '',
    nameRu: r.nameRu ?? '',
    parentId: r.parentId,
    parent: r.parentId !== null && r.parentKind ? { id: r.parentId, kind: r.parentKind, nameEn: r.parentNameEn ?? '', nameRu: r.parentNameRu ?? '' } : null,
    grandparent:
      r.grandparentId !== null && r.grandparentKind
        ? { id: r.grandparentId, kind: r.grandparentKind, nameEn: r.grandparentNameEn ?? '', nameRu: r.grandparentNameRu ?? '' }
        : null,
  };
}

function placedQuery(db: DbOrTx, where: SQL | undefined) {
  return db
    .select(placed())
    .from(organisations)
    .leftJoin(parent, eq(parent.id, organisations.parentId))
    .leftJoin(grandparent, eq(grandparent.id, parent.parentId))
    .where(where);
}

export async function findOrganisation(db: DbOrTx, id: number): Promise<PlacedOrganisation | undefined> {
  const [row] = await placedQuery(db, eq(organisations.id, id)).limit(1);
  return row ? toPlaced(row as PlacedRow) : undefined;
}

/** The names of many entries at once (report groups), by id. */
export async function organisationNamesById(db: DbOrTx, ids: number[]): Promise<Map<number, Pick<Organisation, 'id' | 'kind' | 'nameEn' | 'nameRu'>>> {
  const out = new Map<number, Pick<Organisation, 'id' | 'kind' | 'nameEn' | 'nameRu'>>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .select({ id: organisations.id, kind: organisations.kind, nameEn: organisations.nameEn, nameRu: organisations.nameRu })
      .from(organisations)
      .where(inArray(organisations.id, ids.slice(i, i + 1000)));
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** "Tiksi School No. 1 — Sakha (Yakutia), Russia": the entry and where it is, in the reader's language. */
export function placeLabel(org: PlacedOrganisation, lang: string): string {
  const where = [org.parent, org.grandparent].filter((o) => o !== null).map((o) => displayName(o, lang));
  return where.length ? `${displayName(org, lang)} — ${where.join(', ')}` : displayName(org, lang);
}

export const SEARCH_LIMIT = 20;

/** Every word of the query begins a word of the entry's names or code (see searchTextOf). */
export function wordConditions(query: string): SQL[] {
  // Folded words hold only letters and digits, so they need no LIKE escaping.
  return searchWords(query).map((w) => sql`${organisations.searchText} LIKE ${`% ${w}%`}`);
}

/**
 * Entries whose names or code have words beginning with every word of the query, schools first,
 * then by name. A scan of the folded search text: at 50,000 schools well under 50 ms (benchmarked).
 */
export async function searchOrganisations(db: DbOrTx, query: string, opts: { kinds?: OrganisationKind[]; limit?: number } = {}): Promise<PlacedOrganisation[]> {
  const conditions = wordConditions(query);
  if (!conditions.length) return [];
  if (opts.kinds?.length) conditions.push(inArray(organisations.kind, opts.kinds));
  // The few ids first, from the table alone; then their places. Joining the parents before the
  // limit made PostgreSQL join every match of a common word (73 ms against 19 ms at 50,000 schools).
  const found = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(...conditions))
    .orderBy(sql`CASE ${organisations.kind} WHEN 'school' THEN 0 WHEN 'region' THEN 1 ELSE 2 END`, asc(organisations.searchText), asc(organisations.id))
    .limit(opts.limit ?? SEARCH_LIMIT);
  if (!found.length) return [];
  const ids = found.map((r) => r.id);
  const placedRows = (await placedQuery(db, inArray(organisations.id, ids))) as PlacedRow[];
  const rows = new Map(placedRows.map((r) => [r.id, toPlaced(r)]));
  return ids.map((id) => rows.get(id)).filter((o): o is PlacedOrganisation => o !== undefined);
}

/** The entries of a kind known by this name (own names, merged duplicates, mapped free text); several mean "give the code". */
export async function entriesNamed(db: DbOrTx, kind: OrganisationKind, name: string): Promise<number[]> {
  const key = nameKey(name);
  if (!key) return [];
  const rows = await db
    .select({ id: organisationNames.organisationId })
    .from(organisationNames)
    .where(and(eq(organisationNames.kind, kind), eq(organisationNames.nameKey, key)))
    .orderBy(asc(organisationNames.organisationId));
  return rows.map((r) => r.id);
}

export async function entryWithCode(db: DbOrTx, kind: OrganisationKind, code: string): Promise<number | undefined> {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.kind, kind), eq(organisations.code, code)))
    .limit(1);
  return row?.id;
}

/** Remembers more names for an entry (a renamed entry keeps answering to its old names). */
export async function addNames(db: DbOrTx, id: number, kind: OrganisationKind, names: string[]): Promise<void> {
  const keys = [...new Set(names.map(nameKey).filter(Boolean))];
  if (keys.length)
    await db
      .insert(organisationNames)
      .values(keys.map((nameKey) => ({ organisationId: id, kind, nameKey })))
      .onConflictDoNothing();
}

export interface OrganisationFields {
  kind: OrganisationKind;
  parentId: number | null;
  code: string | null;
  nameEn: string;
  nameRu: string;
}

export async function createOrganisation(db: DbOrTx, fields: OrganisationFields, now = Date.now()): Promise<number> {
  const [row] = await db
    .insert(organisations)
    .values({ ...fields, searchText: searchTextOf(fields), createdAt: now, updatedAt: now })
    .returning({ id: organisations.id });
  await addNames(db, row!.id, fields.kind, [fields.nameEn, fields.nameRu]);
  return row!.id;
}

export async function updateOrganisation(
  db: DbOrTx,
  id: number,
  fields: Omit<OrganisationFields, 'kind'> & { kind: OrganisationKind },
  now = Date.now(),
): Promise<void> {
  await db
    .update(organisations)
    .set({ parentId: fields.parentId, code: fields.code, nameEn: fields.nameEn, nameRu: fields.nameRu, searchText: searchTextOf(fields), updatedAt: now })
    .where(eq(organisations.id, id));
  await addNames(db, id, fields.kind, [fields.nameEn, fields.nameRu]);
}

/** People whose registry entry this is. */
export async function peopleIn(db: DbOrTx, id: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(users).where(eq(users.organisationId, id));
  return Number(row?.n ?? 0);
}

/**
 * Puts a person in a registry entry (or takes them out with null). Their free-text school, region
 * and country become the entry's names in their language, so every page that shows them agrees.
 */
export async function setPersonOrganisation(db: DbOrTx, userId: number, org: PlacedOrganisation | null, lang: string): Promise<void> {
  const chain = org ? [org, org.parent, org.grandparent].filter((o) => o !== null) : [];
  const named = (kind: OrganisationKind) => {
    const o = chain.find((c) => c.kind === kind);
    return o ? displayName(o, lang) : '';
  };
  const fields = org ? { organisationId: org.id, school: named('school'), region: named('region'), country: named('country') } : { organisationId: null };
  await db.transaction((tx) => recountPlaces(tx, person(userId), () => tx.update(users).set(fields).where(eq(users.id, userId))));
}
