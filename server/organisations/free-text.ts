import { and, asc, desc, eq, gt, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { inJsonIds } from '../db/dialect.ts';
import { ORGANISATION_KINDS, type OrganisationKind, organisationNames, organisations, USER_LANGUAGES, users } from '../db/schema.ts';
import { chunks, codeKey, type Entry, entriesByName, entryColumns } from './import-plan.ts';
import { displayName, nameKey } from './names.ts';
import { addNames } from './queries.ts';
import { recountPlaces } from '../evidence/place-counts.ts';

// People whose school, region and country are free text, not yet a registry entry: grouped as
// typed, linked automatically where the text names exactly one entry, mapped by hand otherwise.

export interface Typed {
  school: string;
  region: string;
  country: string;
}

const unlinked = and(isNull(users.organisationId), or(ne(users.school, ''), ne(users.region, ''), ne(users.country, '')));
const sameTyped = (g: Typed): SQL => and(eq(users.school, g.school), eq(users.region, g.region), eq(users.country, g.country))!;

/** The groups of unlinked people by what they typed, most people first. */
export async function unmatchedGroups(
  db: DbOrTx,
  page: number,
  perPage: number,
): Promise<{ groups: (Typed & { people: number })[]; total: number; people: number }> {
  const people = sql<number>`count(*)`;
  const groups = await db
    .select({ school: users.school, region: users.region, country: users.country, people })
    .from(users)
    .where(unlinked)
    .groupBy(users.school, users.region, users.country)
    .orderBy(desc(people), asc(users.school), asc(users.region), asc(users.country))
    .limit(perPage)
    .offset((page - 1) * perPage);
  const grouped = db.select({ school: users.school }).from(users).where(unlinked).groupBy(users.school, users.region, users.country).as('g');
  const [total] = await db.select({ n: sql<number>`count(*)` }).from(grouped);
  const [all] = await db.select({ n: sql<number>`count(*)` }).from(users).where(unlinked);
  return { groups: groups.map((g) => ({ ...g, people: Number(g.people) })), total: Number(total?.n ?? 0), people: Number(all?.n ?? 0) };
}

/** The most specific level typed: a school if one was typed, else a region, else a country. */
function level(g: Typed): { kind: OrganisationKind; text: string } {
  return g.school ? { kind: 'school', text: g.school } : g.region ? { kind: 'region', text: g.region } : { kind: 'country', text: g.country };
}

/** Entries by id with their parents and grandparents, and every name key each is known by. */
async function withAncestors(db: DbOrTx, ids: number[]): Promise<{ entries: Map<number, Entry>; keys: Map<number, Set<string>> }> {
  const entries = new Map<number, Entry>();
  let wanted = [...new Set(ids)];
  for (let depth = 0; depth < 3 && wanted.length; depth++) {
    for (const part of chunks(wanted))
      for (const e of await db.select(entryColumns).from(organisations).where(inArray(organisations.id, part))) entries.set(e.id, e);
    wanted = [...new Set([...entries.values()].map((e) => e.parentId).filter((id): id is number => id !== null && !entries.has(id)))];
  }
  const keys = new Map<number, Set<string>>();
  for (const part of chunks([...entries.keys()])) {
    const rows = await db
      .select({ id: organisationNames.organisationId, key: organisationNames.nameKey })
      .from(organisationNames)
      .where(inArray(organisationNames.organisationId, part));
    for (const r of rows) keys.set(r.id, (keys.get(r.id) ?? new Set()).add(r.key));
  }
  return { entries, keys };
}

/** The entry and its ancestors, nearest first. */
export function chainOf(entries: Map<number, Entry>, id: number): Entry[] {
  const chain: Entry[] = [];
  for (let e = entries.get(id); e && chain.length < 3; e = e.parentId === null ? undefined : entries.get(e.parentId)) chain.push(e);
  return chain;
}

/** What a linked person's free text becomes: the names of the entry's levels in their language (as setPersonOrganisation does). */
export function typedFor(chain: Entry[], lang: string): Typed {
  const named = (kind: OrganisationKind) => {
    const e = chain.find((c) => c.kind === kind);
    return e ? displayName(e, lang) : '';
  };
  return { school: named('school'), region: named('region'), country: named('country') };
}

export type TypedMatch = { kind: 'one'; id: number } | { kind: 'several' } | { kind: 'none' };

/**
 * What each typed (school, region, country) names in the registry: its school (else region, else
 * country) by any name an entry is known by, or by code when one is given, keeping only entries
 * whose own region and country the typed ones do not contradict. Keyed by typedKey.
 */
export async function matchTyped(
  db: DbOrTx,
  groups: (Typed & { code?: string })[],
): Promise<{ matches: Map<string, TypedMatch>; entries: Map<number, Entry> }> {
  const wanted = new Map<OrganisationKind, Set<string>>(ORGANISATION_KINDS.map((k) => [k, new Set()]));
  for (const g of groups) {
    const { kind, text } = level(g);
    const key = nameKey(text);
    if (key) wanted.get(kind)!.add(key);
  }
  const byName = await entriesByName(db, wanted);
  const byCode = new Map<string, number>();
  const codes = [...new Set(groups.map((g) => g.code?.trim() ?? '').filter(Boolean))];
  for (const part of chunks(codes)) {
    for (const e of await db
      .select({ id: organisations.id, code: organisations.code })
      .from(organisations)
      .where(and(eq(organisations.kind, 'school'), inArray(organisations.code, part))))
      byCode.set(e.code!, e.id);
  }
  const candidates = new Set<number>(byCode.values());
  for (const list of byName.values()) for (const e of list) candidates.add(e.id);
  const { entries, keys } = await withAncestors(db, [...candidates]);
  const matches = new Map<string, TypedMatch>();
  for (const g of groups) {
    const code = g.code?.trim();
    if (code) {
      const id = byCode.get(code);
      matches.set(typedKey(g), id === undefined ? { kind: 'none' } : { kind: 'one', id });
      continue;
    }
    const { kind, text } = level(g);
    const found = (byName.get(codeKey(kind, nameKey(text))) ?? []).filter((e) => {
      const chain = chainOf(entries, e.id);
      const contradicts = (k: OrganisationKind, typed: string) => {
        const ancestor = chain.find((c) => c.kind === k);
        return typed !== '' && ancestor !== undefined && !keys.get(ancestor.id)?.has(nameKey(typed));
      };
      return !contradicts('region', g.region) && !contradicts('country', g.country);
    });
    matches.set(typedKey(g), found.length === 1 ? { kind: 'one', id: found[0]!.id } : found.length ? { kind: 'several' } : { kind: 'none' });
  }
  return { matches, entries };
}

/**
 * Links every unlinked person whose typed text names exactly one entry: their school (else region,
 * else country) by any name the entry is known by, and a typed region or country that does not
 * contradict the entry's own region or country. Returns how many people were linked.
 */
export async function linkExactMatches(db: Db): Promise<number> {
  const groups = await db
    .select({ school: users.school, region: users.region, country: users.country })
    .from(users)
    .where(unlinked)
    .groupBy(users.school, users.region, users.country);
  const { matches, entries } = await matchTyped(db, groups);
  const targets = new Map<string, number>(); // typed text → the one entry it names
  for (const [key, match] of matches) if (match.kind === 'one') targets.set(key, match.id);
  if (!targets.size) return 0;
  return db.transaction(async (tx) => {
    let linked = 0;
    // The unlinked people page by page (id order), each page's matches in batched updates by id.
    for (let after = 0; ; ) {
      const page = await tx
        .select({ id: users.id, school: users.school, region: users.region, country: users.country, language: users.language })
        .from(users)
        .where(and(unlinked, gt(users.id, after)))
        .orderBy(asc(users.id))
        .limit(PAGE);
      if (!page.length) break;
      after = page[page.length - 1]!.id;
      const changes = page.flatMap((p) => {
        const id = targets.get(typedKey(p));
        return id === undefined ? [] : [{ userId: p.id, id, ...typedFor(chainOf(entries, id), p.language) }];
      });
      for (const part of chunks(changes, 500)) linked += await linkPeople(tx, part);
    }
    return linked;
  });
}

const PAGE = 5000;
export const typedKey = (g: Typed & { code?: string }) => JSON.stringify([g.school, g.region, g.country, g.code?.trim() ?? '']);

/**
 * One UPDATE … FROM (VALUES …) per batch, joined on the primary key (plain SQL both engines
 * run): each person gets the entry and its names in their language.
 */
async function linkPeople(db: DbOrTx, changes: (Typed & { userId: number; id: number })[]): Promise<number> {
  const values = changes.map((c) => sql`(CAST(${c.userId} AS integer), CAST(${c.id} AS integer), ${c.school}, ${c.region}, ${c.country})`);
  const who = inJsonIds(sql`u.id`, sql`${JSON.stringify(changes.map((c) => c.userId))}`);
  const changed = await recountPlaces(db, who, () =>
    db
      .update(users)
      .set({ organisationId: sql`v.column2`, school: sql`v.column3`, region: sql`v.column4`, country: sql`v.column5` })
      .from(sql`(VALUES ${sql.join(values, sql`, `)}) AS v`)
      .where(and(sql`${users.id} = v.column1`, isNull(users.organisationId)))
      .returning({ id: users.id }),
  );
  return changed.length;
}

/**
 * Puts everyone who typed exactly this text (and is not linked yet) in the entry, and remembers
 * the typed name of the entry's level as one of its names, so later imports and sign-ups match it.
 */
export async function mapTyped(db: Db, group: Typed, id: number): Promise<number> {
  const { entries } = await withAncestors(db, [id]);
  const entry = entries.get(id);
  if (!entry) return 0;
  const chain = chainOf(entries, id);
  // The same people before and after: those who typed it and are unlinked, and those in the entry.
  const who = sql`(u.organisation_id IS NULL AND u.school = ${group.school} AND u.region = ${group.region} AND u.country = ${group.country}) OR u.organisation_id = ${id}`;
  return db.transaction((tx) =>
    recountPlaces(tx, who, async () => {
      let mapped = 0;
      for (const lang of USER_LANGUAGES) {
        const changed = await tx
          .update(users)
          .set({ organisationId: id, ...typedFor(chain, lang) })
          .where(and(isNull(users.organisationId), eq(users.language, lang), sameTyped(group)))
          .returning({ id: users.id });
        mapped += changed.length;
      }
      await addNames(tx, id, entry.kind, [group[entry.kind]]);
      return mapped;
    }),
  );
}
