import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { refreshStanding } from '../evidence/roll-ups.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { cohortMembers, cohorts, competencyEvidence, liveSessions, sessionAttendance, users } from '../db/schema.ts';
import type { SessionInput } from './schemas.ts';

export type LiveSession = typeof liveSessions.$inferSelect;

/** Where a session is: its page, and the activity id of its xAPI statements. */
export const sessionPath = (cohortId: number, sessionId: number) => `/cohorts/${cohortId}/sessions/${sessionId}`;

/** The evidence source of a session's attendance (see addEvidence). */
export const sessionSource = (sessionId: number) => `session:${sessionId}`;

const attended = sql<number>`(SELECT count(*) FROM ${sessionAttendance} WHERE ${sessionAttendance.sessionId} = ${liveSessions.id})`.mapWith(Number);

/** A cohort's sessions, newest first, each with how many attended. */
export async function listSessions(db: Db, cohortId: number) {
  return db
    .select({ session: liveSessions, attended })
    .from(liveSessions)
    .where(eq(liveSessions.cohortId, cohortId))
    .orderBy(desc(liveSessions.startsAt), desc(liveSessions.id));
}

/** The session only when it belongs to that cohort: another cohort's id is answered like a missing one. */
export async function findSession(db: DbOrTx, cohortId: number, sessionId: number): Promise<LiveSession | undefined> {
  const [row] = await db
    .select()
    .from(liveSessions)
    .where(and(eq(liveSessions.id, sessionId), eq(liveSessions.cohortId, cohortId)))
    .limit(1);
  return row;
}

/**
 * Creates a session; the same form sent twice (a double click, a reload after a slow answer) finds the
 * first one instead: two sessions of one kind, title and start in one cohort would be the same event.
 */
export async function createSession(db: Db, cohortId: number, input: SessionInput, createdBy: number, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [same] = await tx
      .select({ id: liveSessions.id })
      .from(liveSessions)
      .where(
        and(
          eq(liveSessions.cohortId, cohortId),
          eq(liveSessions.kind, input.kind),
          eq(liveSessions.title, input.title),
          eq(liveSessions.startsAt, input.startsAt),
        ),
      )
      .limit(1);
    if (same) return same.id;
    const [row] = await tx
      .insert(liveSessions)
      .values({ cohortId, ...input, createdBy, createdAt: now })
      .returning({ id: liveSessions.id });
    return row!.id;
  });
}

export async function updateSession(db: DbOrTx, sessionId: number, input: SessionInput): Promise<void> {
  await db.update(liveSessions).set(input).where(eq(liveSessions.id, sessionId));
}

export async function countActiveMembers(db: Db, cohortId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.status, 'active')));
  return row?.n ?? 0;
}

export interface ChecklistMember {
  id: number;
  name: string;
  email: string;
  recorded: boolean;
}

/** The cohort's active members by name, each ticked when their attendance of the session is recorded. */
export async function checklist(db: DbOrTx, cohortId: number, sessionId: number): Promise<ChecklistMember[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, recordedAt: sessionAttendance.recordedAt })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .leftJoin(sessionAttendance, and(eq(sessionAttendance.sessionId, sessionId), eq(sessionAttendance.userId, users.id)))
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.status, 'active')))
    .orderBy(asc(users.name), asc(users.id));
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, recorded: r.recordedAt !== null }));
}

export async function countAttendance(db: DbOrTx, sessionId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(sessionAttendance)
    .where(eq(sessionAttendance.sessionId, sessionId));
  return row?.n ?? 0;
}

export async function recordedUserIds(tx: DbOrTx, sessionId: number): Promise<Set<number>> {
  const rows = await tx.select({ id: sessionAttendance.userId }).from(sessionAttendance).where(eq(sessionAttendance.sessionId, sessionId));
  return new Set(rows.map((r) => r.id));
}

/** Which of these ids are active members of the cohort (chunked under the engines' parameter limits). */
export async function activeMemberIds(tx: DbOrTx, cohortId: number, ids: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx
      .select({ id: cohortMembers.userId })
      .from(cohortMembers)
      .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.status, 'active'), inArray(cohortMembers.userId, ids.slice(i, i + 500))));
    for (const r of rows) out.add(r.id);
  }
  return out;
}

export async function insertAttendance(tx: DbOrTx, sessionId: number, userId: number, recordedBy: number, now: number): Promise<boolean> {
  const rows = await tx
    .insert(sessionAttendance)
    .values({ sessionId, userId, recordedBy, recordedAt: now })
    .onConflictDoNothing()
    .returning({ userId: sessionAttendance.userId });
  return rows.length === 1;
}

/**
 * Takes a recorded attendance back (a trainer ticked the wrong person): the row and the evidence it
 * gave go together. Only that session's evidence: the same competency from other sources stays.
 */
export async function removeAttendance(tx: DbOrTx, sessionId: number, userId: number): Promise<void> {
  await tx.delete(sessionAttendance).where(and(eq(sessionAttendance.sessionId, sessionId), eq(sessionAttendance.userId, userId)));
  await tx.delete(competencyEvidence).where(and(eq(competencyEvidence.userId, userId), eq(competencyEvidence.source, sessionSource(sessionId))));
  await refreshStanding(tx, userId);
}

/**
 * Deletes a session created by mistake, with its attendance and the participation evidence it gave
 * (each attendee's roll-up follows). Returns the teachers who lost that evidence.
 */
export async function deleteSession(tx: DbOrTx, sessionId: number): Promise<number[]> {
  const attendees = [...(await recordedUserIds(tx, sessionId))];
  await tx.delete(competencyEvidence).where(eq(competencyEvidence.source, sessionSource(sessionId)));
  await tx.delete(sessionAttendance).where(eq(sessionAttendance.sessionId, sessionId));
  await tx.delete(liveSessions).where(eq(liveSessions.id, sessionId));
  for (const userId of attendees) await refreshStanding(tx, userId);
  return attendees;
}

/** A teacher's attended sessions, newest first, for the portfolio. */
export async function sessionsOfTeacher(db: Db, userId: number) {
  const recorder = sql<string | null>`(SELECT u.name FROM users u WHERE u.id = ${sessionAttendance.recordedBy})`;
  return db
    .select({
      id: liveSessions.id,
      title: liveSessions.title,
      kind: liveSessions.kind,
      startsAt: liveSessions.startsAt,
      minutes: liveSessions.minutes,
      competencies: liveSessions.competencies,
      cohortId: cohorts.id,
      cohortName: cohorts.name,
      recordedBy: recorder,
      recordedAt: sessionAttendance.recordedAt,
    })
    .from(sessionAttendance)
    .innerJoin(liveSessions, eq(liveSessions.id, sessionAttendance.sessionId))
    .innerJoin(cohorts, eq(cohorts.id, liveSessions.cohortId))
    .where(eq(sessionAttendance.userId, userId))
    .orderBy(desc(liveSessions.startsAt), desc(liveSessions.id));
}
export type TeacherSession = Awaited<ReturnType<typeof sessionsOfTeacher>>[number];
