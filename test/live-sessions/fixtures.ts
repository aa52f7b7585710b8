import { and, eq } from 'drizzle-orm';
import { addMember, inviteMember } from '../../server/cohorts/queries.ts';
import type { Db } from '../../server/db/client.ts';
import { competencyEvidence, learningRecords, liveSessions, sessionAttendance } from '../../server/db/schema.ts';
import { localStart } from '../../server/live-sessions/times.ts';
import { makeUser } from '../helpers.ts';
import { type Agent, trainerWithCohort } from '../cohorts/fixtures.ts';

export type { Agent };

/** A valid session form; override fields to make it invalid. */
export function sessionForm(overrides: Record<string, string | string[]> = {}) {
  return { kind: 'webinar', title: 'Digital storytelling', date: '2026-03-10', time: '14:30', minutes: '90', competencies: ['KD.2', 'KC.3'], ...overrides };
}
export const FORM_START = localStart('2026-03-10', '14:30')!;

/** A trainer's cohort with three active members (Anna, Boris, Vera) and one invited person. */
export async function cohortWithMembers() {
  const base = await trainerWithCohort();
  const { db } = base.ctx;
  const anna = await makeUser(db, { name: 'Anna Ivanova', email: `anna-${base.cohortId}@school.test` });
  const boris = await makeUser(db, { name: 'Boris Petrov', email: `boris-${base.cohortId}@school.test` });
  const vera = await makeUser(db, { name: 'Vera Sidorova', email: `vera-${base.cohortId}@school.test` });
  const invited = await makeUser(db, { name: 'Ivan Invited', email: `ivan-${base.cohortId}@school.test` });
  for (const m of [anna, boris, vera]) await addMember(db, base.cohortId, m.id);
  await inviteMember(db, base.cohortId, invited.id, base.trainer.user.id);
  return { ...base, anna, boris, vera, invited };
}

/** Creates a session through the form and returns its id. */
export async function createSessionVia(agent: Agent, cohortId: number, overrides: Record<string, string | string[]> = {}): Promise<number> {
  const res = await agent.post(`/cohorts/${cohortId}/sessions`).type('form').send(sessionForm(overrides));
  if (res.status !== 303) throw new Error(`session not created: ${res.status}`);
  const id = Number(/\/sessions\/(\d+)/.exec(res.headers.location ?? '')?.[1]);
  if (!id) throw new Error('no session id');
  return id;
}

/** Saves the checklist as the form sends it. */
export function saveChecklist(agent: Agent, cohortId: number, sessionId: number, present: number[], listed: number[]) {
  return agent
    .post(`/cohorts/${cohortId}/sessions/${sessionId}/attendance`)
    .type('form')
    .send({ listed: listed.join(','), present: present.map(String) });
}

/** What a session wrote: attendance rows, its evidence and the xAPI statements of "attended". */
export async function written(db: Db, sessionId: number) {
  const attendance = await db.select().from(sessionAttendance).where(eq(sessionAttendance.sessionId, sessionId));
  const evidence = await db
    .select()
    .from(competencyEvidence)
    .where(eq(competencyEvidence.source, `session:${sessionId}`));
  const statements = await db
    .select()
    .from(learningRecords)
    .where(and(eq(learningRecords.verb, 'http://adlnet.gov/expapi/verbs/attended')));
  const ofSession = statements.filter((s) => JSON.stringify(s.statement).includes(`/sessions/${sessionId}"`));
  return { attendance, evidence, statements: ofSession };
}

export async function sessionCount(db: Db): Promise<number> {
  return (await db.select({ id: liveSessions.id }).from(liveSessions)).length;
}
