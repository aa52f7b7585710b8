import type { Db } from '../db/client.ts';
import { addEvidence } from '../learning/queries.ts';
import { recordEvidenceEvent, voidEvidenceEvents } from '../learning/records.ts';
import {
  activeMemberIds,
  countAttendance,
  deleteSession,
  findSession,
  insertAttendance,
  type LiveSession,
  recordedUserIds,
  removeAttendance,
  sessionPath,
  sessionSource,
  updateSession,
} from './queries.ts';
import type { SessionInput } from './schemas.ts';

export interface AttendanceChange {
  cohortId: number;
  session: LiveSession;
  /** Members to record as present (those already recorded are left alone). */
  present: number[];
  /** Members the checklist showed: the recorded ones among them not in `present` are taken back. Null: add only (a file). */
  listed: number[] | null;
  by: number;
  baseUrl: string;
}

export type AttendanceResult = { ok: true; added: number; removed: number } | { ok: false; notMembers: number[] };

/**
 * Records attendance and what it earns in one transaction: for each newly present member a row,
 * `participation` evidence dated when the session took place, and an xAPI "attended" statement.
 * Taking someone back removes their row and that session's evidence. Saving the same list again
 * changes nothing. Any id that is not an active member of the cohort refuses the whole change.
 */
export async function saveAttendance(db: Db, change: AttendanceChange): Promise<AttendanceResult> {
  const { session, cohortId, by, baseUrl } = change;
  const mentioned = [...new Set([...change.present, ...(change.listed ?? [])])];
  return db.transaction(async (tx): Promise<AttendanceResult> => {
    const members = await activeMemberIds(tx, cohortId, mentioned);
    const notMembers = mentioned.filter((id) => !members.has(id));
    if (notMembers.length) return { ok: false, notMembers };
    const recorded = await recordedUserIds(tx, session.id);
    const present = new Set(change.present);
    const now = Date.now();
    let added = 0;
    for (const userId of change.present) {
      if (recorded.has(userId) || !(await insertAttendance(tx, session.id, userId, by, now))) continue;
      added++;
      await addEvidence(tx, {
        userId,
        competencies: session.competencies,
        kind: 'participation',
        source: sessionSource(session.id),
        assessorId: by,
        now: session.startsAt,
      });
      await recordEvidenceEvent(tx, {
        baseUrl,
        userId,
        verb: 'attended',
        activity: { path: sessionPath(cohortId, session.id), name: session.title, type: 'meeting' },
        instructorId: session.createdBy ?? by,
        now: session.startsAt,
      });
    }
    let removed = 0;
    for (const userId of change.listed ?? []) {
      if (!recorded.has(userId) || present.has(userId)) continue;
      await removeAttendance(tx, session.id, userId);
      await voidEvidenceEvents(tx, { baseUrl, userId, verb: 'attended', path: sessionPath(cohortId, session.id), actorId: by, now });
      removed++;
    }
    return { ok: true, added, removed };
  });
}

/**
 * Deletes a session made by mistake in one transaction: its attendance, the evidence it gave (the
 * roll-ups follow) and, for each attendee, a voiding of the "attended" statement, as unticking
 * does. Returns how many teachers lost that evidence.
 */
export async function deleteSessionAndEvidence(db: Db, input: { cohortId: number; session: LiveSession; by: number; baseUrl: string }): Promise<number> {
  const { cohortId, session, by, baseUrl } = input;
  return db.transaction(async (tx) => {
    const attendees = await deleteSession(tx, session.id);
    const now = Date.now();
    for (const userId of attendees) {
      await voidEvidenceEvents(tx, { baseUrl, userId, verb: 'attended', path: sessionPath(cohortId, session.id), actorId: by, now });
    }
    return attendees.length;
  });
}

/**
 * Saves an edit, unless it would change what recorded attendance already stands for: the evidence
 * names the session's competencies and is dated by its start, so neither may change under it.
 */
export async function saveSessionEdit(db: Db, cohortId: number, sessionId: number, input: SessionInput): Promise<EditResult> {
  return db.transaction(async (tx): Promise<EditResult> => {
    const session = await findSession(tx, cohortId, sessionId);
    if (!session) return { ok: false, locked: [] };
    const locked: LockedField[] = [];
    if (session.competencies.join(',') !== input.competencies.join(',')) locked.push('competencies');
    if (session.startsAt !== input.startsAt) locked.push('date');
    if (locked.length && (await countAttendance(tx, sessionId)) > 0) return { ok: false, locked };
    await updateSession(tx, sessionId, input);
    return { ok: true };
  });
}

export type LockedField = 'competencies' | 'date';
/** Not saved: `locked` names the fields recorded attendance keeps as they are (none: the session is gone). */
export type EditResult = { ok: true } | { ok: false; locked: LockedField[] };
