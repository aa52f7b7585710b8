import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cohorts, competencyStandings, learningRecords, liveSessions } from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';
import { userAgent } from '../helpers.ts';
import { cohortWithMembers, createSessionVia, saveChecklist, written } from './fixtures.ts';

describe('POST /cohorts/:id/sessions/:sessionId/delete', () => {
  it('deletes a session made by mistake with its attendance and the participation evidence it gave, and the roll-up follows', async () => {
    const { ctx, trainer, cohortId, anna, boris, vera } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const kept = await createSessionVia(trainer.agent, cohortId, { title: 'A real one', competencies: ['KD.2'] });
    const all = [anna.id, boris.id, vera.id];
    await saveChecklist(trainer.agent, cohortId, id, [anna.id, boris.id], all);
    await saveChecklist(trainer.agent, cohortId, kept, [anna.id], all);
    const standing = async (userId: number) =>
      (await ctx.db.select().from(competencyStandings).where(eq(competencyStandings.userId, userId)))[0]?.participation ?? 0;
    expect(await standing(boris.id)).toBeGreaterThan(0);
    const annaBefore = await standing(anna.id);

    const page = await trainer.agent.get(`/cohorts/${cohortId}/sessions/${id}`);
    expect(page.text).toContain('the participation evidence of the 2 teachers recorded');
    const res = await trainer.agent.post(`/cohorts/${cohortId}/sessions/${id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/sessions?deleted=2`);
    expect((await trainer.agent.get(res.headers.location!)).text).toContain('with the attendance of 2 teachers and the evidence it gave them');

    const gone = await written(ctx.db, id);
    expect(gone.attendance).toHaveLength(0);
    expect(gone.evidence).toHaveLength(0);
    expect(await ctx.db.select().from(liveSessions).where(eq(liveSessions.id, id))).toHaveLength(0);
    // Boris had only this session; Anna keeps KD.2 from the other one (KC.3 came from this one only).
    expect(await standing(boris.id)).toBe(0);
    expect(await standing(anna.id)).toBeLessThan(annaBefore);
    expect(await standing(anna.id)).toBeGreaterThan(0);
    expect((await written(ctx.db, kept)).evidence).toHaveLength(1);
    // Their "attended" statements for the deleted session are voided; the other session's stay.
    const voided = (await ctx.db.select().from(learningRecords).where(eq(learningRecords.verb, VERBS.voided))).map(
      (r) => (r.statement as { object: { id: string } }).object.id,
    );
    expect(voided.sort()).toEqual(gone.statements.map((s) => s.id).sort());
    expect(voided).toHaveLength(2);
  });

  it('answers 404 to another trainer, 403 to a teacher, and 409 in an archived cohort, deleting nothing', async () => {
    const { ctx, trainer, cohortId } = await cohortWithMembers();
    const id = await createSessionVia(trainer.agent, cohortId);
    const other = await userAgent(ctx, { roles: ['trainer'] });
    const teacher = await userAgent(ctx);
    expect((await other.agent.post(`/cohorts/${cohortId}/sessions/${id}/delete`)).status).toBe(404);
    expect((await teacher.agent.post(`/cohorts/${cohortId}/sessions/${id}/delete`)).status).toBe(403);
    await ctx.db.update(cohorts).set({ archivedAt: Date.now() }).where(eq(cohorts.id, cohortId));
    expect((await trainer.agent.post(`/cohorts/${cohortId}/sessions/${id}/delete`)).status).toBe(409);
    expect(await ctx.db.select().from(liveSessions).where(eq(liveSessions.id, id))).toHaveLength(1);
  });
});
