import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { submissions } from '../../server/db/schema.ts';
import { createTestApp, userAgent } from '../helpers.ts';
import { adminAgent } from '../reports/fixtures.ts';
import { makeCohort } from '../reviews/fixtures.ts';
import { cohortMembers } from '../../server/db/schema.ts';

// The "done when", through the routes people use: a teacher who passes every quiz of a
// course but hands in nothing shows Knowledge Deepening and Creation as knowledge checked; after a
// trainer's passing assessment, the assignment's competencies are demonstrated in the profile,
// the compliance report and its per-teacher export.

const ctx = await createTestApp();
const course = (await getCatalogue(ctx.db)).course('ict-primary-education')!;

const formBody = (fields: Record<string, string[] | string>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
};

describe('a teacher’s competencies, from quizzes to assessed work', () => {
  it('are knowledge checked at KD/KC after the quizzes alone, and demonstrated once a trainer passes the work', async () => {
    const teacher = await userAgent(ctx, { name: 'Inga Quizzes' });
    const trainer = await userAgent(ctx, { name: 'Tove Trainer', roles: ['trainer'] });
    const admin = await adminAgent(ctx);
    const cohortId = await makeCohort(ctx.db, trainer.user.id, [course.id]);
    await ctx.db.insert(cohortMembers).values({ cohortId, userId: teacher.user.id, addedAt: Date.now() });

    await teacher.agent.post(`/courses/${course.slug}/enrol`);
    for (const m of course.modules) {
      const answers: Record<string, string[]> = {};
      for (const q of m.quiz!.questions) answers[`q.${q.id}`] = q.options.filter((o) => o.correct).map((o) => o.id);
      await teacher.agent.post(`/courses/${course.slug}/${m.slug}/quiz`).type('form').send(formBody(answers));
    }
    const acquisition = course.competencies.filter((c) => c.startsWith('KA.'));
    const deeper = course.competencies.filter((c) => !c.startsWith('KA.'));
    let dash = await teacher.agent.get('/dashboard');
    expect(dash.text).toContain(`You have demonstrated ${acquisition.length} of the 18 competencies.`);
    expect(dash.text).toContain(`Knowledge checked for ${deeper.length} more.`);

    // The teacher hands in the journal module's work; the trainer scores every criterion at the top.
    const module = course.modules.find((m) => m.assignment?.competencies.some((c) => c.startsWith('KC.')))!;
    const assignment = module.assignment!;
    const handedIn = await teacher.agent
      .post(`/courses/${course.slug}/${module.slug}/submission`)
      .type('form')
      .send({ text: 'My journal: three lessons, what worked and why.', submissionKey: 'done-when-1' });
    expect(handedIn.status).toBe(303);
    const [submission] = await ctx.db.select().from(submissions).where(eq(submissions.userId, teacher.user.id));
    const scores = Object.fromEntries(assignment.rubric.criteria.map((c) => [`c-${c.id}`, String(c.levels.at(-1)!.points)]));
    const assessed = await trainer.agent
      .post(`/reviews/${submission!.id}`)
      .type('form')
      .send({ ...scores, feedback: 'Clear and honest.' });
    expect(assessed.status).toBe(303);

    const demonstrated = new Set([...acquisition, ...assignment.competencies]);
    dash = await teacher.agent.get('/dashboard');
    expect(dash.text).toContain(`You have demonstrated ${demonstrated.size} of the 18 competencies.`);

    const report = await admin.get(`/admin/reports/compliance?cohort=${cohortId}&group=cohort`);
    for (const code of course.competencies) {
      const count = Number(report.text.match(new RegExp(`data-code="${code.replace('.', '\\.')}" data-count="(\\d+)"`))?.[1]);
      expect(count, code).toBe(demonstrated.has(code) ? 1 : 0);
    }
    const csv = parse((await admin.get(`/admin/reports/compliance?cohort=${cohortId}&format=csv&detail=teachers`)).text, {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    const header = csv.find((r) => r[0] === 'Name')!;
    const row = csv.find((r) => r[0] === 'Inga Quizzes')!;
    for (const code of course.competencies) {
      expect(row[header.indexOf(`${code} standing`)], code).toBe(demonstrated.has(code) ? 'demonstrated' : 'knowledge checked');
    }
  });
});
