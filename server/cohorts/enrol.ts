import { signInLinkUrl } from '../auth/link-routes.ts';
import { createSignInLinkToken, createUser } from '../auth/queries.ts';
import type { Db } from '../db/client.ts';
import { enrolInCourse } from '../learning/enrolment.ts';
import { type CsvRow, displayName, type Plan, planImport } from './csv-import.ts';
import { cohortStructure } from './progress.ts';
import { addMember, findUsersForImport, membersWithoutPassword, removeMember } from './queries.ts';

// Writing memberships: the CSV import, moving a member, and fresh sign-in links.

export interface NewAccount {
  id: number;
  email: string;
  name: string;
  link: string;
}

/** What a CSV would do, reading the database but writing nothing. */
export function previewImport(db: Db, cohortId: number, rows: CsvRow[]): Plan {
  const emails = rows.filter((r) => !r.error).map((r) => r.email);
  return planImport(rows, findUsersForImport(db, cohortId, emails));
}

/**
 * Applies a CSV in one transaction: creates missing accounts (no password; a one-time sign-in
 * link each), adds memberships and enrols every new member in each of the cohort's courses.
 * Rows already in the cohort are left alone, so running the same file twice changes nothing.
 */
export function applyImport(db: Db, input: { cohortId: number; rows: CsvRow[]; trainerId: number; baseUrl: string; now?: number }) {
  const now = input.now ?? Date.now();
  const { courses } = cohortStructure(db, input.cohortId);
  return db.transaction(
    (tx) => {
      // Planned again inside the transaction, so what is written matches the database as it is now.
      const plan = previewImport(db, input.cohortId, input.rows);
      const created: NewAccount[] = [];
      for (const row of plan.rows) {
        if (row.outcome !== 'new' && row.outcome !== 'existing') continue;
        let userId = row.userId;
        if (row.outcome === 'new') {
          const name = displayName(row);
          // createUser opens its own transaction: better-sqlite3 nests it as a savepoint of this one.
          userId = createUser(
            db,
            { email: row.email, name, passwordHash: null, school: row.school, region: row.region, country: row.country, language: row.language ?? 'en' },
            ['teacher'],
            now,
          );
          if (userId === null) throw new Error(`account ${row.email} appeared during the import`);
          const token = createSignInLinkToken(db, userId, input.trainerId, now);
          created.push({ id: userId, email: row.email, name, link: signInLinkUrl(input.baseUrl, token) });
        }
        addMember(tx, input.cohortId, userId as number, now);
        for (const course of courses) enrolInCourse(tx, { userId: userId as number, course, baseUrl: input.baseUrl, now });
      }
      return { plan, created };
    },
    { behavior: 'immediate' },
  );
}

/** Moves a member: the old membership goes, the new one comes with enrolments in the target's courses. */
export function moveMember(db: Db, input: { from: number; to: number; userId: number; baseUrl: string; now?: number }): void {
  const now = input.now ?? Date.now();
  const { courses } = cohortStructure(db, input.to);
  db.transaction((tx) => {
    removeMember(tx, input.from, input.userId);
    addMember(tx, input.to, input.userId, now);
    for (const course of courses) enrolInCourse(tx, { userId: input.userId, course, baseUrl: input.baseUrl, now });
  });
}

/**
 * New one-time sign-in links for the cohort's members who have no password yet (optionally only
 * some of them). Tokens are stored hashed, so a link can only be shown when it is made.
 */
export function freshSignInLinks(db: Db, input: { cohortId: number; trainerId: number; baseUrl: string; only?: number[] }) {
  const people = membersWithoutPassword(db, input.cohortId, input.only);
  return db.transaction(() => people.map((p) => ({ ...p, link: signInLinkUrl(input.baseUrl, createSignInLinkToken(db, p.id, input.trainerId)) })));
}
