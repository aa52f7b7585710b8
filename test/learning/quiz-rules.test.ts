import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { CatalogueModule } from '../../server/courses/catalogue.ts';
import { learningRecords, quizAttempts } from '../../server/db/schema.ts';
import { userAgent } from '../helpers.ts';
import { answers, formBody, formQuestions, keyIn, optionsCourse, reviewIn } from './quiz-fixtures.ts';

// The rules a module's quiz options set between attempts: waiting after failures, the attempt
// limit, and when a result shows the explanations (which give the answers away).

const { ctx, mod } = await optionsCourse();
const url = (m: CatalogueModule) => `/courses/options-course/${m.slug}`;
const MINUTE = 60_000;
type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

async function enrolled(language: 'en' | 'ru' = 'en') {
  const teacher = await userAgent(ctx, { language });
  await teacher.agent.post('/courses/options-course/enrol');
  return teacher;
}
const attemptsOf = (userId: number, m?: CatalogueModule) =>
  ctx.db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.userId, userId), m ? eq(quizAttempts.moduleId, m.id) : undefined))
    .orderBy(quizAttempts.id);
/** Answers the questions the page asks (all right or all wrong) with its key; returns the response. */
async function attempt(agent: Agent, m: CatalogueModule, mode: 'right' | 'wrong') {
  const page = await agent.get(url(m));
  return agent
    .post(`${url(m)}/quiz`)
    .type('form')
    .send(formBody({ ...answers(formQuestions(page.text), mode), submissionKey: keyIn(page.text)! }));
}
/** Moves every attempt of the teacher back in time, as if the minutes had passed. */
const age = (userId: number, minutes: number) =>
  ctx.db
    .update(quizAttempts)
    .set({ submittedAt: Date.now() - minutes * MINUTE })
    .where(eq(quizAttempts.userId, userId));
const hhmm = (ms: number) => new Date(Math.ceil(ms / MINUTE) * MINUTE).toISOString().slice(11, 16);

describe('wait_minutes and wait_after_failures', () => {
  it('replaces the form by the time to come back, refuses a POST meanwhile (422, nothing written), then allows it', async () => {
    const { user, agent } = await enrolled();
    const m = mod('waiting');
    const failed = await attempt(agent, m, 'wrong');
    expect(failed.status).toBe(303);
    const [first] = await attemptsOf(user.id);
    const until = hhmm(first!.submittedAt + 30 * MINUTE);

    const result = await agent.get(failed.headers.location);
    expect(result.text).toMatch(new RegExp(`you can try again at ${until} UTC \\(in 30 minutes\\)\\.`));
    expect(result.text).not.toContain(`action="${url(m)}/quiz"`);
    const plain = await agent.get(url(m));
    expect(plain.text).toContain(`you can try again at ${until} UTC`);
    expect(formQuestions(plain.text)).toEqual([]);

    const records = async () => (await ctx.db.select().from(learningRecords).where(eq(learningRecords.userId, user.id))).length;
    const recordsBefore = await records();
    const refused = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(formBody({ ...answers(['q1', 'q2', 'q3'], 'right'), submissionKey: 'a-new-key-0123456789' }));
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(new RegExp(`you can try again at ${until} UTC \\(in 30 minutes\\)\\.`));
    // Said on the module page itself, where the form was: not an error page.
    expect(refused.text).toContain('class="alert alert-info quiz-wait"');
    expect(refused.text).not.toContain('Check what you entered');
    expect(await attemptsOf(user.id)).toHaveLength(1);
    expect(await records()).toBe(recordsBefore);

    await age(user.id, 31);
    const again = await agent.get(url(m));
    expect(again.text).not.toContain('you can try again at');
    expect(formQuestions(again.text)).toHaveLength(3);
    expect((await attempt(agent, m, 'right')).status).toBe(303);
    expect((await attemptsOf(user.id)).map((a) => a.passed)).toEqual([false, true]);
  });

  it('says so in Russian, with the right plural', async () => {
    const { user, agent } = await enrolled('ru');
    const m = mod('waiting');
    await attempt(agent, m, 'wrong');
    await age(user.id, 8); // 22 minutes left
    const page = await agent.get(`${url(m)}?lang=ru`);
    expect(page.text).toMatch(/попробовать снова можно в \d\d:\d\d UTC \(через 22 минуты\)/);
  });

  it('by default lets two failures be retried at once and waits 10 minutes from the third', async () => {
    const { user, agent } = await enrolled();
    const m = mod('plain');
    expect((await attempt(agent, m, 'wrong')).status).toBe(303);
    expect((await attempt(agent, m, 'wrong')).status).toBe(303);
    expect((await agent.get(url(m))).text).not.toContain('you can try again at');
    expect((await attempt(agent, m, 'wrong')).status).toBe(303);
    const page = await agent.get(url(m));
    expect(page.text).toMatch(/you can try again at \d\d:\d\d UTC \(in 10 minutes\)/);
    const refused = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(formBody(answers(['q1', 'q2', 'q3', 'q4', 'q5'], 'right')));
    expect(refused.status).toBe(422);
    await age(user.id, 11);
    expect((await attempt(agent, m, 'right')).status).toBe(303);
    expect(await attemptsOf(user.id, m)).toHaveLength(4);
  });

  it('answers a repeat of the failure that started the wait with its result, not the wait', async () => {
    const { user, agent } = await enrolled();
    const m = mod('waiting');
    const page = await agent.get(url(m));
    const body = formBody({ ...answers(formQuestions(page.text), 'wrong'), submissionKey: keyIn(page.text)! });
    const once = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(body);
    const twice = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(body);
    expect([once.status, twice.status]).toEqual([303, 303]);
    expect(twice.headers.location).toBe(once.headers.location);
    expect(await attemptsOf(user.id)).toHaveLength(1);
  });
});

describe('max_attempts', () => {
  it('shows the attempts left, then the used-up message without a form, and refuses more', async () => {
    const { user, agent } = await enrolled();
    const m = mod('limited');
    expect((await agent.get(url(m))).text).toContain('2 attempts left');
    await attempt(agent, m, 'wrong');
    const one = await agent.get(url(m));
    expect(one.text).toContain('1 attempt left');
    expect(formQuestions(one.text)).toHaveLength(3);
    await attempt(agent, m, 'wrong');
    const none = await agent.get(url(m));
    expect(none.text).toContain('0 attempts left');
    expect(none.text).toContain('You have used all 2 attempts for this quiz.');
    expect(formQuestions(none.text)).toEqual([]);
    const refused = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(formBody(answers(['q1', 'q2', 'q3'], 'right')));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('You have used all 2 attempts for this quiz.');
    expect(refused.text).toContain(`<h1`); // the module page, with its title and text
    expect(refused.text).not.toContain('Check what you entered');
    expect(await attemptsOf(user.id)).toHaveLength(2);
  });
});

describe('explanations', () => {
  const explanation = (i: number) => `Explained: ${i}b is how it works.`;

  it('after_pass (the default): a failed result says which questions were wrong, without explanations or right answers', async () => {
    const { agent } = await enrolled();
    const m = mod('waiting');
    const page = await agent.get(url(m));
    const [q1, q2, q3] = formQuestions(page.text) as [string, string, string];
    const failed = await agent
      .post(`${url(m)}/quiz`)
      .type('form')
      .send(formBody({ ...answers([q1, q2], 'wrong'), ...answers([q3], 'right'), submissionKey: keyIn(page.text)! }));
    const result = await agent.get(failed.headers.location);
    expect(result.text).toContain('Reread the module for the questions marked below');
    const review = reviewIn(result.text);
    expect(review.match(/feedback-wrong/g)).toHaveLength(2);
    expect(review.match(/feedback-right/g)).toHaveLength(1);
    expect(review).toContain(`Your answer: Answer ${q1.slice(1)}a`);
    for (const i of [1, 2, 3]) expect(review).not.toContain(explanation(i));
    // The right option of a wrong question is not named (the one answered right is the teacher's own choice).
    for (const q of [q1, q2]) expect(review).not.toContain(`Answer ${q.slice(1)}b`);
  });

  it('after_pass: a pass shows them, and so does any result after it', async () => {
    const { user, agent } = await enrolled();
    const m = mod('limited');
    const passed = await attempt(agent, m, 'right');
    const review = reviewIn((await agent.get(passed.headers.location)).text);
    for (const i of [1, 2, 3]) expect(review).toContain(explanation(i));
    const failed = await attempt(agent, m, 'wrong');
    expect(reviewIn((await agent.get(failed.headers.location)).text)).toContain(explanation(1));
    expect(await attemptsOf(user.id)).toHaveLength(2);
  });

  it('always: a failed result shows them', async () => {
    const { agent } = await enrolled();
    const failed = await attempt(agent, mod('always'), 'wrong');
    const page = await agent.get(failed.headers.location);
    expect(page.text).toContain('Read the explanations and try again.');
    for (const i of [1, 2, 3]) expect(reviewIn(page.text)).toContain(explanation(i));
  });

  it('never: not even after a pass', async () => {
    const { agent } = await enrolled();
    const passed = await attempt(agent, mod('never'), 'right');
    const review = reviewIn((await agent.get(passed.headers.location)).text);
    expect(review.match(/feedback-right/g)).toHaveLength(3);
    for (const i of [1, 2, 3]) expect(review).not.toContain(explanation(i));
  });
});
