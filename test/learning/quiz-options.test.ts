import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { CatalogueModule } from '../../server/courses/catalogue.ts';
import { moduleProgress, quizAttempts } from '../../server/db/schema.ts';
import { attemptSeed, drawQuestions } from '../../server/learning/quiz-draw.ts';
import { userAgent } from '../helpers.ts';
import { answers, formBody, formOrder, formQuestions, keyIn, optionsCourse } from './quiz-fixtures.ts';

// Per-module quiz options from the package: drawing N of M questions, shuffling, and grading
// exactly the questions an attempt asked. Waiting, limits and explanations: quiz-rules.test.ts.

const { ctx, mod } = await optionsCourse();
const url = (m: CatalogueModule) => `/courses/options-course/${m.slug}`;
type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

async function enrolled() {
  const teacher = await userAgent(ctx);
  await teacher.agent.post('/courses/options-course/enrol');
  return teacher;
}
const attemptsOf = (userId: number, m: CatalogueModule) =>
  ctx.db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.moduleId, m.id)))
    .orderBy(quizAttempts.id);
const post = (agent: Agent, m: CatalogueModule, fields: Record<string, string[] | string>) =>
  agent
    .post(`${url(m)}/quiz`)
    .type('form')
    .send(formBody(fields));
/** The order the attempt's seed gives, as formOrder reads it from a page. */
const seededOrder = (m: CatalogueModule, userId: number, attempt: number) =>
  drawQuestions(m.quiz!, attemptSeed(userId, m.id, attempt)).flatMap((q) => q.options.map((o) => `${q.id}:${o.id}`));

describe('draw: N of the M questions for each attempt', () => {
  it('asks the same drawn questions in the same order on every load of one attempt, others on the next', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const first = formOrder((await agent.get(url(m))).text);
    expect(formQuestions((await agent.get(url(m))).text)).toHaveLength(3);
    expect(formOrder((await agent.get(url(m))).text)).toEqual(first);
    expect(first).toEqual(seededOrder(m, user.id, 1));

    const page = await agent.get(url(m));
    expect((await post(agent, m, { ...answers(formQuestions(page.text), 'wrong'), submissionKey: keyIn(page.text)! })).status).toBe(303);
    const second = formOrder((await agent.get(url(m))).text);
    expect(second).toEqual(seededOrder(m, user.id, 2));
    expect(second).not.toEqual(first);
    // Another teacher's first attempt is a draw of their own.
    const other = await enrolled();
    expect(formOrder((await other.agent.get(url(m))).text)).not.toEqual(first);
  });

  it('scores over the drawn questions and records exactly them', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const [q1, q2, q3] = formQuestions((await agent.get(url(m))).text) as [string, string, string];
    const res = await post(agent, m, { ...answers([q1, q2], 'right'), ...answers([q3], 'wrong') });
    expect(res.status).toBe(303);
    const [attempt] = await attemptsOf(user.id, m);
    expect(attempt).toMatchObject({ score: 67, passed: true, answers: { [q1]: ['b'], [q2]: ['b'], [q3]: ['a'] } });
    expect((await agent.get(res.headers.location)).text).toContain('Passed with 67%');
  });

  it('counts a drawn question left unanswered as wrong, and records it as unanswered', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const [q1, q2, q3] = formQuestions((await agent.get(url(m))).text) as [string, string, string];
    expect((await post(agent, m, answers([q1, q2], 'right'))).status).toBe(303);
    expect((await attemptsOf(user.id, m))[0]).toMatchObject({ score: 67, answers: { [q1]: ['b'], [q2]: ['b'], [q3]: [] } });
  });

  it('ignores answers to questions not drawn when every drawn one is answered', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const drawn = formQuestions((await agent.get(url(m))).text);
    const all = m.quiz!.questions.map((q) => q.id);
    expect((await post(agent, m, answers(all, 'right'))).status).toBe(303);
    const [attempt] = await attemptsOf(user.id, m);
    expect(Object.keys(attempt!.answers).sort()).toEqual([...drawn].sort());
    expect(attempt!.score).toBe(100);
  });

  it('refuses a form made for another draw (a drawn question unanswered, another answered): 422, nothing written', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const page = await agent.get(url(m));
    const drawn = formQuestions(page.text);
    const notDrawn = m.quiz!.questions.map((q) => q.id).filter((id) => !drawn.includes(id));
    const res = await post(agent, m, { ...answers([...drawn.slice(1), notDrawn[0]!], 'right'), submissionKey: keyIn(page.text)! });
    expect(res.status).toBe(422);
    expect(res.text).toContain('do not match this quiz');
    expect(await attemptsOf(user.id, m)).toHaveLength(0);
    // The refusal changed nothing: the page (without JavaScript, the way back to the form) asks the same questions.
    expect(formOrder((await agent.get(url(m))).text)).toEqual(formOrder(page.text));
  });

  it('keeps a repeated submission idempotent: one attempt, the same result, even once the draw has moved on', async () => {
    const { user, agent } = await enrolled();
    const m = mod('drawn');
    const page = await agent.get(url(m));
    const body = { ...answers(formQuestions(page.text), 'wrong'), submissionKey: keyIn(page.text)! };
    const once = await post(agent, m, body);
    const twice = await post(agent, m, body);
    expect([once.status, twice.status]).toEqual([303, 303]);
    expect(twice.headers.location).toBe(once.headers.location);
    expect(await attemptsOf(user.id, m)).toHaveLength(1);
    const [progress] = await ctx.db
      .select()
      .from(moduleProgress)
      .where(and(eq(moduleProgress.userId, user.id), eq(moduleProgress.moduleId, m.id)));
    expect(progress?.attempts).toBe(1);
  });

  it("shows a visitor every question in the author's order, and says how many each attempt asks", async () => {
    const m = mod('drawn');
    const res = await request(ctx.app).get(url(m));
    expect(res.text).toContain('Each attempt asks 3 questions, drawn at random from 8.');
    const shown = [...res.text.matchAll(/<legend>(\d+)\. Question number (\d+)\?/g)].map((r) => r[2]);
    expect(shown).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const ru = await request(ctx.app).get(`${url(m)}?lang=ru`);
    expect(ru.text).toContain('В каждой попытке — 3 случайных вопроса из 8.');
  });
});

describe('shuffle_questions and shuffle_options', () => {
  it("keep the author's order when turned off", async () => {
    const { agent } = await enrolled();
    const m = mod('fixed');
    const authored = m.quiz!.questions.flatMap((q) => q.options.map((o) => `${q.id}:${o.id}`));
    expect(formOrder((await agent.get(url(m))).text)).toEqual(authored);
    await post(agent, m, answers(['q1', 'q2', 'q3', 'q4'], 'wrong'));
    expect(formOrder((await agent.get(url(m))).text)).toEqual(authored);
  });

  it('shuffle both by default, the same for one attempt, with every question and option there', async () => {
    const { user, agent } = await enrolled();
    const m = mod('plain');
    const authored = m.quiz!.questions.flatMap((q) => q.options.map((o) => `${q.id}:${o.id}`));
    const shown = formOrder((await agent.get(url(m))).text);
    expect(shown).toEqual(seededOrder(m, user.id, 1));
    expect(shown).not.toEqual(authored);
    expect([...shown].sort()).toEqual([...authored].sort());
    // Options of one question stay together, in an order of their own.
    const optionOrders = m.quiz!.questions.map((q) => shown.filter((pair) => pair.startsWith(`${q.id}:`)).join());
    expect(optionOrders.some((order, i) => order !== m.quiz!.questions[i]!.options.map((o) => `q${i + 1}:${o.id}`).join())).toBe(true);
  });

  it('draws differently for most seeds, and the same for the same seed', () => {
    const m = mod('drawn');
    const orders = new Set(Array.from({ length: 50 }, (_, i) => seededOrder(m, 1, i + 1).join()));
    expect(orders.size).toBeGreaterThan(45);
    expect(seededOrder(m, 7, 3)).toEqual(seededOrder(m, 7, 3));
    // Every question is drawn sometimes: the draw covers the whole pool.
    const drawn = new Set(Array.from({ length: 50 }, (_, i) => drawQuestions(m.quiz!, attemptSeed(2, m.id, i + 1)).map((q) => q.id)).flat());
    expect(drawn.size).toBe(8);
  });
});
