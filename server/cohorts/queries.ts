import { and, asc, count, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { matchesEmail, matchesPerson, signInLinkAllowed } from '../auth/queries.ts';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts, type MemberStatus, userRoles, users } from '../db/schema.ts';
import type { CohortInput } from './schemas.ts';

// Cohorts, trainers and members. The dashboard's aggregate queries are in progress-queries.ts.

export type Cohort = typeof cohorts.$inferSelect;

export function findCohort(db: Db, id: number): Cohort | undefined {
  return db.select().from(cohorts).where(eq(cohorts.id, id)).get();
}

export function createCohort(db: Db, input: CohortInput, creatorId: number, now = Date.now()): number {
  return db.transaction((tx) => {
    const row = tx
      .insert(cohorts)
      .values({ name: input.name, description: input.description, startDate: input.startDate, dueDate: input.dueDate, createdBy: creatorId, createdAt: now })
      .returning({ id: cohorts.id })
      .get();
    for (const courseId of new Set(input.courses)) tx.insert(cohortCourses).values({ cohortId: row.id, courseId }).run();
    tx.insert(cohortTrainers).values({ cohortId: row.id, userId: creatorId }).onConflictDoNothing().run();
    return row.id;
  });
}

/** The cohorts a trainer is assigned to (every cohort for an administrator), newest first, with member counts. */
export function listCohorts(db: Db, opts: { userId: number; all: boolean; page: number; perPage: number }) {
  const where = opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`;
  const rows = db
    .select({
      id: cohorts.id,
      name: cohorts.name,
      description: cohorts.description,
      startDate: cohorts.startDate,
      dueDate: cohorts.dueDate,
      members: sql<number>`(SELECT count(*) FROM cohort_members WHERE cohort_id = ${cohorts.id} AND status = 'active')`,
      courseIds: sql<string | null>`(SELECT group_concat(course_id) FROM cohort_courses WHERE cohort_id = ${cohorts.id})`,
    })
    .from(cohorts)
    .where(where)
    .orderBy(desc(cohorts.createdAt), desc(cohorts.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)
    .all();
  const total = db.select({ n: count() }).from(cohorts).where(where).get()?.n ?? 0;
  return { rows: rows.map((r) => ({ ...r, courseIds: r.courseIds ? r.courseIds.split(',').map(Number) : [] })), total };
}

/** Other cohorts a member can be moved to: those the trainer manages (all for an administrator). */
export function movableTargets(db: Db, opts: { userId: number; all: boolean; except: number }) {
  const mine = opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`;
  return db
    .select({ id: cohorts.id, name: cohorts.name })
    .from(cohorts)
    .where(and(ne(cohorts.id, opts.except), mine))
    .orderBy(asc(cohorts.name))
    .limit(500)
    .all();
}

export function cohortCourseIds(db: DbOrTx, cohortId: number): number[] {
  return db
    .select({ id: cohortCourses.courseId })
    .from(cohortCourses)
    .where(eq(cohortCourses.cohortId, cohortId))
    .all()
    .map((r) => r.id);
}

export function trainersOf(db: Db, cohortId: number) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(cohortTrainers)
    .innerJoin(users, eq(users.id, cohortTrainers.userId))
    .where(eq(cohortTrainers.cohortId, cohortId))
    .orderBy(asc(users.name))
    .all();
}

/** A user who may train a cohort: holds the trainer (or administrator) role. */
export function findTrainerByEmail(db: Db, email: string) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), inArray(userRoles.role, ['trainer', 'admin'])))
    .get();
}

export function addTrainer(db: Db, cohortId: number, userId: number): boolean {
  return db.insert(cohortTrainers).values({ cohortId, userId }).onConflictDoNothing().run().changes === 1;
}

/** What an import needs to know of an existing account: never shown to a trainer (see enrol.ts). */
export interface KnownAccount {
  id: number;
  member: boolean; // any membership of this cohort, invited and declined included
  pending: boolean; // no password yet
  createdBy: number | null;
  staff: boolean; // holds the trainer or admin role
}

/** Existing accounts among the emails, and whether each already belongs to the cohort. */
export function findUsersForImport(db: DbOrTx, cohortId: number, emails: string[]): Map<string, KnownAccount> {
  const out = new Map<string, KnownAccount>();
  // Chunks keep each statement well under SQLite's bound-parameter limit.
  for (let i = 0; i < emails.length; i += 500) {
    const chunk = emails.slice(i, i + 500);
    const rows = db
      .select({
        id: users.id,
        email: users.email,
        member: sql<number>`${cohortMembers.userId} IS NOT NULL`,
        pending: sql<number>`${users.passwordHash} IS NULL`,
        createdBy: users.createdBy,
        staff: sql<number>`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = ${users.id} AND r.role IN ('trainer', 'admin'))`,
      })
      .from(users)
      .leftJoin(cohortMembers, and(eq(cohortMembers.userId, users.id), eq(cohortMembers.cohortId, cohortId)))
      .where(inArray(users.email, chunk))
      .all();
    for (const r of rows) out.set(r.email, { id: r.id, member: !!r.member, pending: !!r.pending, createdBy: r.createdBy, staff: !!r.staff });
  }
  return out;
}

export function addMember(db: DbOrTx, cohortId: number, userId: number, now = Date.now()): boolean {
  return db.insert(cohortMembers).values({ cohortId, userId, status: 'active', addedAt: now }).onConflictDoNothing().run().changes === 1;
}

/** An invitation to an existing account: it joins only when its owner accepts. */
export function inviteMember(db: DbOrTx, cohortId: number, userId: number, invitedBy: number, now = Date.now()): boolean {
  return db.insert(cohortMembers).values({ cohortId, userId, status: 'invited', invitedBy, addedAt: now }).onConflictDoNothing().run().changes === 1;
}

/** The owner's answer to an invitation; false when there is no open invitation (answered, withdrawn, never made). */
export function answerInvitation(db: DbOrTx, cohortId: number, userId: number, answer: 'active' | 'declined', now = Date.now()): boolean {
  return (
    db
      .update(cohortMembers)
      .set({ status: answer, addedAt: now })
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId), eq(cohortMembers.status, 'invited')))
      .run().changes === 1
  );
}

/** Only the membership goes: enrolments, progress and certificates stay with the person. */
export function removeMember(db: DbOrTx, cohortId: number, userId: number): boolean {
  return (
    db
      .delete(cohortMembers)
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
      .run().changes === 1
  );
}

/** The membership's status (invited, active, declined), or undefined when there is none. */
export function memberStatus(db: DbOrTx, cohortId: number, userId: number): MemberStatus | undefined {
  return db
    .select({ status: cohortMembers.status })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
    .get()?.status;
}

export function countMembers(db: DbOrTx, cohortId: number): number {
  return (
    db
      .select({ n: count() })
      .from(cohortMembers)
      .where(and(eq(cohortMembers.cohortId, cohortId), activeMember))
      .get()?.n ?? 0
  );
}

/** Only members who joined count or show: an invitation gives a trainer nothing of the person. */
export const activeMember = eq(cohortMembers.status, 'active');

/**
 * The member list. Invited and declined people show only the address the trainer typed and their
 * status: their name, school and password state are theirs until they join.
 */
export function listMembers(db: Db, cohortId: number, opts: { q: string; page: number; perPage: number }) {
  const joined = sql`${cohortMembers.status} = 'active'`;
  const where = and(eq(cohortMembers.cohortId, cohortId), opts.q ? matchesMember(opts.q) : undefined);
  const rows = db
    .select({
      id: users.id,
      status: cohortMembers.status,
      name: sql<string>`CASE WHEN ${joined} THEN ${users.name} ELSE '' END`,
      email: users.email,
      school: sql<string>`CASE WHEN ${joined} THEN ${users.school} ELSE '' END`,
      hasPassword: sql<number>`CASE WHEN ${joined} THEN ${users.passwordHash} IS NOT NULL ELSE 1 END`,
      addedAt: cohortMembers.addedAt,
    })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(where)
    .orderBy(sql`${cohortMembers.status} <> 'active'`, asc(users.name), asc(users.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage)
    .all();
  const total = db.select({ n: count() }).from(cohortMembers).innerJoin(users, eq(users.id, cohortMembers.userId)).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Search by name only among joined members; by address among everyone the trainer listed. */
function matchesMember(q: string) {
  return or(and(activeMember, matchesPerson(q)), matchesEmail(q));
}

/** Joined members who may be given a sign-in link by this person (optionally only some of them). */
export function membersNeedingLinks(db: DbOrTx, cohortId: number, by: { id: number; admin: boolean }, onlyUserIds: number[] = []) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, language: users.language })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(
      and(
        eq(cohortMembers.cohortId, cohortId),
        activeMember,
        signInLinkAllowed(by),
        onlyUserIds.length ? inArray(users.id, onlyUserIds.slice(0, 10_000)) : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .all();
}

export function countNeedingLinks(db: Db, cohortId: number, by: { id: number; admin: boolean }): number {
  return (
    db
      .select({ n: count() })
      .from(cohortMembers)
      .innerJoin(users, eq(users.id, cohortMembers.userId))
      .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, signInLinkAllowed(by)))
      .get()?.n ?? 0
  );
}

/** The cohorts a teacher belongs to, for the learner's own dashboard (sooner due dates first). */
// On every dashboard: prepared once per connection.
const memberCohorts = preparedPerConnection((db) =>
  db
    .select({ id: cohorts.id, name: cohorts.name, dueDate: cohorts.dueDate })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(and(eq(cohortMembers.userId, sql.placeholder('userId')), activeMember))
    .orderBy(sql`${cohorts.dueDate} IS NULL`, asc(cohorts.dueDate), asc(cohorts.name))
    .prepare(),
);

export function cohortsOfMember(db: Db, userId: number): { id: number; name: string; dueDate: string | null }[] {
  return memberCohorts(db).all({ userId });
}

// On every dashboard: prepared once per connection.
const invitationsOf = preparedPerConnection((db) =>
  db
    .select({ cohortId: cohorts.id, name: cohorts.name, description: cohorts.description, dueDate: cohorts.dueDate, invitedBy: users.name })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .leftJoin(users, eq(users.id, cohortMembers.invitedBy))
    .where(and(eq(cohortMembers.userId, sql.placeholder('userId')), eq(cohortMembers.status, 'invited')))
    .orderBy(asc(cohortMembers.addedAt))
    .prepare(),
);

/** Open invitations for the owner's dashboard (only for a proven address: see dashboardLocals). */
export function openInvitations(db: Db, userId: number) {
  return invitationsOf(db).all({ userId });
}

/** The people an import invited, for the invitation e-mails. */
export function inviteesOf(db: Db, userIds: number[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ email: users.email, name: users.name, language: users.language, verified: sql<number>`${users.emailVerifiedAt} IS NOT NULL` })
    .from(users)
    .where(inArray(users.id, userIds.slice(0, 10_000)))
    .all();
}
