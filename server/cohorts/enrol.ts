import { signInLinkUrl } from '../auth/link-routes.ts';
import { createSignInLinkToken, createUser } from '../auth/queries.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { enrolInCourse } from '../learning/enrolment.ts';
import { type CsvRow, displayName, type Plan, planImport } from './csv-import.ts';
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
export async function previewImport(db: DbOrTx, cohortId: number, rows: CsvRow[]): Promise<Plan> {
  return planImport(rows, await accountsOf(db, cohortId, rows));
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
    const created: NewAccount[] = [];
    const invited: number[] = [];
    for (const row of plan.rows) {
      if (row.outcome !== 'new' && row.outcome !== 'existing') continue;
      let userId = row.userId;
      if (row.outcome === 'new') {
        const name = displayName(row);
        // createUser opens its own transaction: it joins this one as a savepoint (on both engines).
        userId = await createUser(
          tx,
          {
            email: row.email,
            name,
            passwordHash: null,
            school: row.school,
            region: row.region,
            country: row.country,
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
