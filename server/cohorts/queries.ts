import { and, asc, count, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { matchesEmail, matchesPerson, signInLinkAllowed } from '../auth/queries.ts';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { asBoolean, joinedValues } from '../db/dialect.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts, type MemberStatus, userRoles, users } from '../db/schema.ts';
import type { CohortInput } from './schemas.ts';

// Cohorts, trainers and members. The dashboard's aggregate queries are in progress-queries.ts.

export type Cohort = typeof cohorts.$inferSelect;

export async function findCohort(db: Db, id: number): Promise<Cohort | undefined> {
  const [row] = await db.select().from(cohorts).where(eq(cohorts.id, id)).limit(1);
  return row;
}

export async function createCohort(db: Db, input: CohortInput, creatorId: number, now = Date.now()): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cohorts)
      .values({ name: input.name, description: input.description, startDate: input.startDate, dueDate: input.dueDate, createdBy: creatorId, createdAt: now })
      .returning({ id: cohorts.id });
    const id = row!.id;
    const courseIds = [...new Set(input.courses)];
    if (courseIds.length) await tx.insert(cohortCourses).values(courseIds.map((courseId) => ({ cohortId: id, courseId })));
    await tx.insert(cohortTrainers).values({ cohortId: id, userId: creatorId }).onConflictDoNothing();
    return id;
  });
}

/** The cohorts a trainer is assigned to (every cohort for an administrator), newest first, with member counts. */
export async function listCohorts(db: Db, opts: { userId: number; all: boolean; page: number; perPage: number; archived?: boolean }) {
  const where = and(
    opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`,
    opts.archived ? sql`${cohorts.archivedAt} IS NOT NULL` : liveCohort,
  );
  const rows = await db
    .select({
      id: cohorts.id,
      name: cohorts.name,
      description: cohorts.description,
      startDate: cohorts.startDate,
      dueDate: cohorts.dueDate,
      archivedAt: cohorts.archivedAt,
      members: sql<number>`(SELECT count(*) FROM cohort_members WHERE cohort_id = ${cohorts.id} AND status = 'active')`.mapWith(Number),
      courseIds: sql<string | null>`(SELECT ${joinedValues(sql`course_id`)} FROM cohort_courses WHERE cohort_id = ${cohorts.id})`,
    })
    .from(cohorts)
    .where(where)
    .orderBy(desc(cohorts.createdAt), desc(cohorts.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage);
  const [counted] = await db.select({ n: count() }).from(cohorts).where(where);
  // The joined list comes back in any order: sorted, so a cohort's courses always show alike.
  const ids = (list: string | null) => (list ? list.split(',').map(Number) : []).sort((a, b) => a - b);
  return { rows: rows.map((r) => ({ ...r, courseIds: ids(r.courseIds) })), total: counted?.n ?? 0 };
}

/** Other cohorts a member can be moved to: live ones the trainer manages (all for an administrator). */
export async function movableTargets(db: Db, opts: { userId: number; all: boolean; except: number }) {
  const mine = opts.all ? undefined : sql`${cohorts.id} IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = ${opts.userId})`;
  return db
    .select({ id: cohorts.id, name: cohorts.name })
    .from(cohorts)
    .where(and(ne(cohorts.id, opts.except), mine, liveCohort))
    .orderBy(asc(cohorts.name), asc(cohorts.id))
    .limit(500);
}

export async function cohortCourseIds(db: DbOrTx, cohortId: number): Promise<number[]> {
  const rows = await db.select({ id: cohortCourses.courseId }).from(cohortCourses).where(eq(cohortCourses.cohortId, cohortId));
  return rows.map((r) => r.id);
}

export async function trainersOf(db: Db, cohortId: number) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(cohortTrainers)
    .innerJoin(users, eq(users.id, cohortTrainers.userId))
    .where(eq(cohortTrainers.cohortId, cohortId))
    .orderBy(asc(users.name), asc(users.id));
}

/** A user who may train a cohort: holds the trainer (or administrator) role. */
export async function findTrainerByEmail(db: Db, email: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), inArray(userRoles.role, ['trainer', 'admin'])))
    .limit(1);
  return row;
}

export async function addTrainer(db: Db, cohortId: number, userId: number): Promise<boolean> {
  const added = await db.insert(cohortTrainers).values({ cohortId, userId }).onConflictDoNothing().returning({ userId: cohortTrainers.userId });
  return added.length === 1;
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
export async function findUsersForImport(db: DbOrTx, cohortId: number, emails: string[]): Promise<Map<string, KnownAccount>> {
  const out = new Map<string, KnownAccount>();
  // Chunks keep each statement well under the engines' bound-parameter limits.
  for (let i = 0; i < emails.length; i += 500) {
    const chunk = emails.slice(i, i + 500);
    const rows = await db
      .select({
        id: users.id,
        email: users.email,
        member: asBoolean(sql`${cohortMembers.userId} IS NOT NULL`),
        pending: asBoolean(sql`${users.passwordHash} IS NULL`),
        createdBy: users.createdBy,
        staff: asBoolean(sql`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = ${users.id} AND r.role IN ('trainer', 'admin'))`),
      })
      .from(users)
      .leftJoin(cohortMembers, and(eq(cohortMembers.userId, users.id), eq(cohortMembers.cohortId, cohortId)))
      .where(inArray(users.email, chunk));
    for (const r of rows) out.set(r.email, { id: r.id, member: r.member, pending: r.pending, createdBy: r.createdBy, staff: r.staff });
  }
  return out;
}

export async function addMember(db: DbOrTx, cohortId: number, userId: number, now = Date.now()): Promise<boolean> {
  const added = await db
    .insert(cohortMembers)
    .values({ cohortId, userId, status: 'active', addedAt: now })
    .onConflictDoNothing()
    .returning({ userId: cohortMembers.userId });
  return added.length === 1;
}

/** An invitation to an existing account: it joins only when its owner accepts. */
export async function inviteMember(db: DbOrTx, cohortId: number, userId: number, invitedBy: number, now = Date.now()): Promise<boolean> {
  const added = await db
    .insert(cohortMembers)
    .values({ cohortId, userId, status: 'invited', invitedBy, addedAt: now })
    .onConflictDoNothing()
    .returning({ userId: cohortMembers.userId });
  return added.length === 1;
}

/** The owner's answer to an invitation; false when there is no open invitation (answered, withdrawn, never made). */
export async function answerInvitation(db: DbOrTx, cohortId: number, userId: number, answer: 'active' | 'declined', now = Date.now()): Promise<boolean> {
  const answered = await db
    .update(cohortMembers)
    .set({ status: answer, addedAt: now })
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId), eq(cohortMembers.status, 'invited')))
    .returning({ userId: cohortMembers.userId });
  return answered.length === 1;
}

/** Only the membership goes: enrolments, progress and certificates stay with the person. */
export async function removeMember(db: DbOrTx, cohortId: number, userId: number): Promise<boolean> {
  const removed = await db
    .delete(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
    .returning({ userId: cohortMembers.userId });
  return removed.length === 1;
}

/** The membership's status (invited, active, declined), or undefined when there is none. */
export async function memberStatus(db: DbOrTx, cohortId: number, userId: number): Promise<MemberStatus | undefined> {
  const [row] = await db
    .select({ status: cohortMembers.status })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)))
    .limit(1);
  return row?.status;
}

export async function countMembers(db: DbOrTx, cohortId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember));
  return row?.n ?? 0;
}

/** Only members who joined count or show: an invitation gives a trainer nothing of the person. */
export const activeMember = eq(cohortMembers.status, 'active');

/** A member's due date: their extension if a trainer gave one, else the cohort's (YYYY-MM-DD or NULL). */
export const memberDueDate = sql<string | null>`coalesce(${cohortMembers.dueDate}, ${cohorts.dueDate})`;

/** Archived cohorts keep their data but leave lists, dashboards' due dates and reminders. */
export const liveCohort = isNull(cohorts.archivedAt);

/**
 * The member list. Invited and declined people show only the address the trainer typed and their
 * status: their name, school and password state are theirs until they join.
 */
export async function listMembers(db: Db, cohortId: number, opts: { q: string; page: number; perPage: number }) {
  const joined = sql`${cohortMembers.status} = 'active'`;
  const where = and(eq(cohortMembers.cohortId, cohortId), opts.q ? matchesMember(opts.q) : undefined);
  const rows = await db
    .select({
      id: users.id,
      status: cohortMembers.status,
      name: sql<string>`CASE WHEN ${joined} THEN ${users.name} ELSE '' END`,
      email: users.email,
      school: sql<string>`CASE WHEN ${joined} THEN ${users.school} ELSE '' END`,
      hasPassword: asBoolean(sql`CASE WHEN ${joined} THEN ${users.passwordHash} IS NOT NULL ELSE TRUE END`),
      addedAt: cohortMembers.addedAt,
    })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(where)
    .orderBy(sql`${cohortMembers.status} <> 'active'`, asc(users.name), asc(users.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage);
  const [counted] = await db.select({ n: count() }).from(cohortMembers).innerJoin(users, eq(users.id, cohortMembers.userId)).where(where);
  return { rows, total: counted?.n ?? 0 };
}

/** Search by name only among joined members; by address among everyone the trainer listed. */
function matchesMember(q: string) {
  return or(and(activeMember, matchesPerson(q)), matchesEmail(q));
}

/** Joined members who may be given a sign-in link by this person (optionally only some of them). */
export async function membersNeedingLinks(db: DbOrTx, cohortId: number, by: { id: number; admin: boolean }, onlyUserIds: number[] = []) {
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
    .orderBy(asc(users.name), asc(users.id));
}

export async function countNeedingLinks(db: Db, cohortId: number, by: { id: number; admin: boolean }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(and(eq(cohortMembers.cohortId, cohortId), activeMember, signInLinkAllowed(by)));
  return row?.n ?? 0;
}

/** The cohorts a teacher belongs to, for the learner's own dashboard (sooner due dates first). */
// On every dashboard: prepared once per connection.
const memberCohorts = preparedPerConnection((db) =>
  db
    .select({ id: cohorts.id, name: cohorts.name, dueDate: memberDueDate })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(and(eq(cohortMembers.userId, sql.placeholder('userId')), activeMember, liveCohort))
    .orderBy(sql`${memberDueDate} IS NULL`, asc(memberDueDate), asc(cohorts.name), asc(cohorts.id))
    .prepare(),
);

export async function cohortsOfMember(db: Db, userId: number): Promise<{ id: number; name: string; dueDate: string | null }[]> {
  return memberCohorts(db).execute({ userId });
}

// On every dashboard: prepared once per connection.
const invitationsOf = preparedPerConnection((db) =>
  db
    .select({ cohortId: cohorts.id, name: cohorts.name, description: cohorts.description, dueDate: cohorts.dueDate, invitedBy: users.name })
    .from(cohortMembers)
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .leftJoin(users, eq(users.id, cohortMembers.invitedBy))
    .where(and(eq(cohortMembers.userId, sql.placeholder('userId')), eq(cohortMembers.status, 'invited')))
    .orderBy(asc(cohortMembers.addedAt), asc(cohorts.id))
    .prepare(),
);

/** Open invitations for the owner's dashboard (only for a proven address: see dashboardLocals). */
export async function openInvitations(db: Db, userId: number) {
  return invitationsOf(db).execute({ userId });
}

/** The people an import invited, for the invitation e-mails. */
export async function inviteesOf(db: Db, userIds: number[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ email: users.email, name: users.name, language: users.language, verified: asBoolean(sql`${users.emailVerifiedAt} IS NOT NULL`) })
    .from(users)
    .where(inArray(users.id, userIds.slice(0, 10_000)));
}
