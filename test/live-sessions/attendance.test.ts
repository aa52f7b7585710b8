import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { competencyEvidence, learningRecords } from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';
import { sessionsOfTeacher } from '../../server/live-sessions/queries.ts';
import { makeUser } from '../helpers.ts';
import { cohortWithMembers, createSessionVia, FORM_START, saveChecklist, written } from './fixtures.ts';

describe('POST /cohorts/:id/sessions/:sessionId/attendance', () => {
  it('records the ticked members with participation evidence dated at the session start and an xAPI "attended"', async () => {
    const { ctx, trainer, cohortId, anna, boris, vera } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const all = [anna.id, boris.id, vera.id];
    const res = await saveChecklist(trainer.agent, cohortId, id, [anna.id, boris.id], all);
    expect(res.status).toBe(303);
    const { attendance, evidence, statements } = await written(ctx.db, id);
    expect(attendance.map((a) => a.userId).sort()).toEqual([anna.id, boris.id].sort());
    expect(attendance.every((a) => a.recordedBy === trainer.user.id)).toBe(true);
    expect(evidence).toHaveLength(4);
    for (const e of evidence) {
      expect(e).toMatchObject({
        kind: 'participation',
        source: `session:${id}`,
        assessorId: trainer.user.id,
        createdAt: FORM_START,
        moduleId: null,
        courseId: null,
      });
    }
    expect(
      evidence
        .filter((e) => e.userId === anna.id)
        .map((e) => e.competency)
        .sort(),
    ).toEqual(['KC.3', 'KD.2']);
    expect(statements).toHaveLength(2);
    type Agent = { account: { homePage: string; name: string } };
    const statement = statements.find((s) => s.userId === anna.id)!.statement as {
      verb: unknown;
      actor: Agent;
      object: { id: string; definition: unknown };
      context: { instructor: Agent };
      timestamp: string;
    };
    expect(statement.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-US': 'attended' } });
    expect(statement.actor.account).toEqual({ homePage: ctx.config.baseUrl, name: String(anna.id) });
    expect(statement.object.id).toBe(`${ctx.config.baseUrl}/cohorts/${cohortId}/sessions/${id}`);
    expect(statement.object.definition).toEqual({ name: { und: 'Digital storytelling' }, type: 'http://adlnet.gov/expapi/activities/meeting' });
    expect(statement.context.instructor.account.name).toBe(String(trainer.user.id));
    expect(statement.timestamp).toBe(new Date(FORM_START).toISOString());

    const page = await trainer.agent.get(res.headers.location!);
    expect(page.text).toContain('Attendance saved: 2 recorded, 0 removed.');
    expect(page.text).toContain(`value="${anna.id}" checked`);
    expect(page.text).not.toContain(`value="${vera.id}" checked`);
    expect(page.text).toContain('Untick them and save: their attendance and the evidence this session gave them are removed.');
    expect((await trainer.agent.get(`/cohorts/${cohortId}/sessions`)).text).toContain('2 of 3');
  });

  it('changes nothing when the same list is saved again', async () => {
    const { ctx, trainer, cohortId, anna, boris, vera } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const all = [anna.id, boris.id, vera.id];
    await saveChecklist(trainer.agent, cohortId, id, [anna.id], all);
    const before = await written(ctx.db, id);
    const again = await saveChecklist(trainer.agent, cohortId, id, [anna.id], all);
    expect(again.headers.location).toContain('added=0&removed=0');
    expect(await written(ctx.db, id)).toEqual(before);
  });

  it("takes an unticked member back: their row and this session's evidence go, other evidence stays", async () => {
    const { ctx, trainer, cohortId, anna, boris, vera } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const other = await createSessionVia(trainer.agent, cohortId, { title: 'Another session', competencies: ['KD.2'] });
    const all = [anna.id, boris.id, vera.id];
    await saveChecklist(trainer.agent, cohortId, id, [anna.id, boris.id], all);
    await saveChecklist(trainer.agent, cohortId, other, [anna.id], all);
    const res = await saveChecklist(trainer.agent, cohortId, id, [boris.id], all);
    expect(res.headers.location).toContain('added=0&removed=1');
    const { attendance, evidence } = await written(ctx.db, id);
    expect(attendance.map((a) => a.userId)).toEqual([boris.id]);
    expect(evidence.every((e) => e.userId === boris.id)).toBe(true);
    const annas = (await ctx.db.select().from(competencyEvidence)).filter((e) => e.userId === anna.id);
    expect(annas.map((e) => `${e.source} ${e.competency}`)).toEqual([`session:${other} KD.2`]);
    // Ticked again, the evidence comes back.
    await saveChecklist(trainer.agent, cohortId, id, [anna.id, boris.id], all);
    expect((await written(ctx.db, id)).evidence.filter((e) => e.userId === anna.id)).toHaveLength(2);
    // Each time she was taken back, her "attended" statement was voided for outside record stores,
    // by the trainer, once: taken back again, only the newer statement is voided.
    await saveChecklist(trainer.agent, cohortId, id, [boris.id], all);
    const annaStatements = await ctx.db.select().from(learningRecords).where(eq(learningRecords.userId, anna.id));
    const attendedHere = annaStatements.filter((r) => r.verb === VERBS.attended && JSON.stringify(r.statement).includes(`/sessions/${id}"`));
    const voids = annaStatements
      .filter((r) => r.verb === VERBS.voided)
      .map((r) => r.statement as { actor: { account: { name: string } }; object: { objectType: string; id: string } });
    expect(attendedHere).toHaveLength(2);
    expect(voids.map((v) => v.object).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      attendedHere.map((r) => ({ objectType: 'StatementRef', id: r.id })).sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(voids.every((v) => v.actor.account.name === String(trainer.user.id))).toBe(true);
  });

  it('leaves members the page did not list alone', async () => {
    const { ctx, trainer, cohortId, anna, boris } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    await saveChecklist(trainer.agent, cohortId, id, [anna.id], [anna.id]);
    await saveChecklist(trainer.agent, cohortId, id, [boris.id], [boris.id]);
    expect((await written(ctx.db, id)).attendance.map((a) => a.userId).sort()).toEqual([anna.id, boris.id].sort());
  });

  for (const [what, who] of [
    ['an invited person who has not joined', 'invited'],
    ['a teacher of no cohort', 'stranger'],
    ['a value that is not an id', 'junk'],
  ] as const) {
    it(`refuses the whole list with 422 when it names ${what}, writing nothing`, async () => {
      const { ctx, trainer, cohortId, anna, invited } = await cohortWithMembers();
      const id = await createSessionVia(trainer.agent, cohortId);
      const stranger = await makeUser(ctx.db);
      const bad = who === 'invited' ? String(invited.id) : who === 'stranger' ? String(stranger.id) : 'abc';
      const res = await trainer.agent
        .post(`/cohorts/${cohortId}/sessions/${id}/attendance`)
        .type('form')
        .send({ listed: `${anna.id}`, present: [String(anna.id), bad] });
      expect(res.status).toBe(422);
      expect(res.text).toContain('is not an active member of this cohort');
      const { attendance, evidence, statements } = await written(ctx.db, id);
      expect([attendance.length, evidence.length, statements.length]).toEqual([0, 0, 0]);
    });
  }

  it('lists only active members in the checklist', async () => {
    const { trainer, cohortId, anna, invited } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const page = await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}`);
    expect(page.text).toContain(anna.email);
    expect(page.text).not.toContain(invited.email);
  });
});

describe('sessionsOfTeacher', () => {
  it("gives a teacher's attended sessions, newest first, with the cohort and who recorded them", async () => {
    const { ctx, trainer, cohortId, anna, boris } = await cohortWithMembers();
    const first = await createSessionVia(trainer.agent, cohortId, {
      title: 'Earlier seminar',
      kind: 'seminar',
      date: '2026-02-01',
      minutes: '45',
      competencies: ['KA.1'],
    });
    const second = await createSessionVia(trainer.agent, cohortId);
    await saveChecklist(trainer.agent, cohortId, first, [anna.id], [anna.id]);
    await saveChecklist(trainer.agent, cohortId, second, [anna.id, boris.id], [anna.id, boris.id]);
    const rows = await sessionsOfTeacher(ctx.db, anna.id);
    expect(rows.map((r) => r.id)).toEqual([second, first]);
    expect(rows[1]).toMatchObject({
      title: 'Earlier seminar',
      kind: 'seminar',
      minutes: 45,
      competencies: ['KA.1'],
      cohortId,
      cohortName: 'Yakutsk spring',
      recordedBy: trainer.user.name,
    });
    expect(rows[0]!.startsAt).toBe(FORM_START);
    expect((await sessionsOfTeacher(ctx.db, boris.id)).map((r) => r.id)).toEqual([second]);
  });
});
