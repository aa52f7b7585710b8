import { signInLinkUrl } from '../auth/link-routes.ts';
import { createSignInLinkToken, createUser } from '../auth/queries.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { enrolInCourse } from '../learning/enrolment.ts';
import { type CsvRow, displayName, type Plan, planImport } from './csv-import.ts';
import { chainOf, matchTyped, type Typed, typedFor, typedKey } from '../organisations/free-text.ts';
import { displayName as placeName } from '../organisations/names.ts';
import { cohortStructure } from './progress.ts';
import { addMember, answerInvitation, findUsersForImport, inviteMember, type KnownAccount, membersNeedingLinks, removeMember } from './queries.ts';

// Writing memberships: the CSV import, moving a member, and fresh sign-in links.

export interface NewAccount {
  id: number;
  email: string;
  name: string;
  link: string;
}

/** What a CSV would do, reading the database but writing nothing. */
export async function previewImport(db: DbOrTx, cohortId: number, rows: CsvRow[], lang: string): Promise<Plan & { places: Map<number, SchoolMatch> }> {
  return { ...planImport(rows, await accountsOf(db, cohortId, rows)), places: await schoolMatches(db, rows, lang) };
}

/** A row's school in the organisation registry: one entry (with where it is), several (a code is needed), or none. */
export type SchoolMatch = { kind: 'one'; id: number; label: string; typed: Typed } | { kind: 'several' } | { kind: 'none' };

/**
 * The registry entry each row's school names (by code first, else by name, in any case or script;
 * a typed region or country must not contradict it), keyed by line. Rows naming no school are left out.
 */
export async function schoolMatches(db: DbOrTx, rows: CsvRow[], lang: string): Promise<Map<number, SchoolMatch>> {
  const named = rows.filter((r) => !r.error && (r.school || r.schoolCode));
  const { matches, entries } = await matchTyped(
    db,
    named.map((r) => ({ school: r.school, region: r.region, country: r.country, code: r.schoolCode })),
  );
  const out = new Map<number, SchoolMatch>();
  for (const r of named) {
    const match = matches.get(typedKey({ school: r.school, region: r.region, country: r.country, code: r.schoolCode })) ?? { kind: 'none' };
    if (match.kind !== 'one') {
      out.set(r.line, match);
      continue;
    }
    const chain = chainOf(entries, match.id);
    const where = chain.slice(1).map((e) => placeName(e, lang));
    const label = where.length ? `${placeName(chain[0]!, lang)} — ${where.join(', ')}` : placeName(chain[0]!, lang);
    // What the new account's school, region and country become: the entry's names in its language.
    out.set(r.line, { kind: 'one', id: match.id, label, typed: typedFor(chain, r.language ?? 'en') });
  }
  return out;
}

async function accountsOf(db: DbOrTx, cohortId: number, rows: CsvRow[]) {
  return findUsersForImport(
    db,
    cohortId,
    rows.filter((r) => !r.error).map((r) => r.email),
  );
}

export interface Importer {
  id: number;
  admin: boolean;
}

/**
 * How an existing account joins: administrators add it directly, and so may a trainer for a
 * pending account their own import made; anyone else's account is only invited, and joins when
 * its owner accepts, so a CSV never hands a trainer someone's data without their consent.
 */
function joinsDirectly(account: KnownAccount, by: Importer): boolean {
  return by.admin || (account.pending && !account.staff && account.createdBy === by.id);
}

/**
 * Applies a CSV in one transaction: creates missing accounts (no password; a one-time sign-in
 * link each), adds memberships and enrols every new member in each of the cohort's courses, and
 * invites existing accounts (see joinsDirectly). Rows already in the cohort (in any state) are
 * left alone, so running the same file twice changes nothing.
 */
export async function applyImport(db: Db, input: { cohortId: number; rows: CsvRow[]; by: Importer; baseUrl: string; now?: number }) {
  const now = input.now ?? Date.now();
  const { courses } = await cohortStructure(db, input.cohortId);
  // The work may run more than once (a PostgreSQL transaction that collided is retried): it
  // only writes to the database and returns what it did, and the caller acts on that after.
  return db.transaction(async (tx) => {
    // Planned again inside the transaction, so what is written matches the database as it is now.
    const accounts = await accountsOf(tx, input.cohortId, input.rows);
    const plan = planImport(input.rows, accounts);
    const places = await schoolMatches(tx, input.rows, 'en');
    const created: NewAccount[] = [];
    const invited: number[] = [];
    for (const row of plan.rows) {
      if (row.outcome !== 'new' && row.outcome !== 'existing') continue;
      let userId = row.userId;
      if (row.outcome === 'new') {
        const name = displayName(row);
        // A school found in the registry: the account belongs to it, named as the registry names it.
        const place = places.get(row.line);
        const where = place?.kind === 'one' ? { organisationId: place.id, ...place.typed } : { school: row.school, region: row.region, country: row.country };
        // createUser opens its own transaction: it joins this one as a savepoint (on both engines).
        userId = await createUser(
          tx,
          {
            email: row.email,
            name,
            passwordHash: null,
            ...where,
            language: row.language ?? 'en',
            createdBy: input.by.id,
          },
          ['teacher'],
          now,
        );
        if (userId === null) throw new Error(`account ${row.email} appeared during the import`);
        const token = await createSignInLinkToken(tx, userId, input.by.id, now);
        created.push({ id: userId, email: row.email, name, link: signInLinkUrl(input.baseUrl, token) });
      } else if (!joinsDirectly(accounts.get(row.email)!, input.by)) {
        await inviteMember(tx, input.cohortId, userId as number, input.by.id, now);
        invited.push(userId as number);
        continue;
      }
      await addMember(tx, input.cohortId, userId as number, now);
      for (const course of courses) await enrolInCourse(tx, { userId: userId as number, course, baseUrl: input.baseUrl, now });
    }
    return { plan, created, invited };
  });
}

/** The owner accepts or declines an invitation; accepting enrols them in the cohort's courses. */
export async function answerCohortInvitation(
  db: Db,
  input: { cohortId: number; userId: number; accept: boolean; baseUrl: string; now?: number },
): Promise<boolean> {
  const now = input.now ?? Date.now();
  const { courses } = await cohortStructure(db, input.cohortId);
  return db.transaction(async (tx) => {
    if (!(await answerInvitation(tx, input.cohortId, input.userId, input.accept ? 'active' : 'declined', now))) return false;
    if (input.accept) for (const course of courses) await enrolInCourse(tx, { userId: input.userId, course, baseUrl: input.baseUrl, now });
    return true;
  });
}

/** Moves a member: the old membership goes, the new one comes with enrolments in the target's courses. */
export async function moveMember(db: Db, input: { from: number; to: number; userId: number; baseUrl: string; now?: number }): Promise<void> {
  const now = input.now ?? Date.now();
  const { courses } = await cohortStructure(db, input.to);
  await db.transaction(async (tx) => {
    await removeMember(tx, input.from, input.userId);
    await addMember(tx, input.to, input.userId, now);
    for (const course of courses) await enrolInCourse(tx, { userId: input.userId, course, baseUrl: input.baseUrl, now });
  });
}

/**
 * New one-time sign-in links for the cohort's members this person may give one to (see
 * signInLinkAllowed), optionally only some of them. Tokens are stored hashed, so a link can only be
 * shown when it is made.
 */
export async function freshSignInLinks(db: Db, input: { cohortId: number; by: Importer; baseUrl: string; only?: number[] }) {
  return db.transaction(async (tx) => {
    const links = [];
    for (const p of await membersNeedingLinks(tx, input.cohortId, input.by, input.only)) {
      links.push({ ...p, link: signInLinkUrl(input.baseUrl, await createSignInLinkToken(tx, p.id, input.by.id)) });
    }
    return links;
  });
}
