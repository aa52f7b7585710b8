import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { learningRecords, moduleProgress } from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';
import { createTestApp, userAgent } from '../helpers.ts';

// A GET changes nothing: the module page reports its first view with a POST it makes once loaded.

const ctx = await createTestApp();
const catalogue = await getCatalogue(ctx.db);
const course = () => catalogue.course('ict-primary-education')!;

async function rowsOf(userId: number) {
  return {
    progress: await ctx.db.select().from(moduleProgress).where(eq(moduleProgress.userId, userId)).orderBy(moduleProgress.moduleId),
    experienced: await ctx.db
      .select()
      .from(learningRecords)
      .where(and(eq(learningRecords.userId, userId), eq(learningRecords.verb, VERBS.experienced)))
      .orderBy(learningRecords.id),
  };
}

describe('GET /courses/:course/:module', () => {
  it('writes nothing for an enrolled teacher, and asks the page to report the view', async () => {
    const { user, agent } = await userAgent(ctx);
    await agent.post('/courses/ict-primary-education/enrol');
    const module = course().modules[0]!;
    const before = await rowsOf(user.id);
    const res = await agent.get(`/courses/ict-primary-education/${module.slug}`);
    expect(res.status).toBe(200);
    expect(await rowsOf(user.id)).toEqual(before);
    expect(res.text).toContain(`data-hx-post="/courses/ict-primary-education/${module.slug}/viewed" data-hx-trigger="load"`);
  });
});

describe('POST /courses/:course/:module/viewed', () => {
  it('records the first view once: one progress row and one statement', async () => {
    const { user, agent } = await userAgent(ctx);
    await agent.post('/courses/ict-primary-education/enrol');
    const module = course().modules[0]!;
    for (let i = 0; i < 3; i++) expect((await agent.post(`/courses/ict-primary-education/${module.slug}/viewed`)).status).toBe(204);
    const { progress, experienced } = await rowsOf(user.id);
    expect(progress).toEqual([expect.objectContaining({ moduleId: module.id, status: 'in_progress' })]);
    expect(experienced).toHaveLength(1);
    // Once viewed, the page no longer asks.
    expect((await agent.get(`/courses/ict-primary-education/${module.slug}`)).text).not.toContain('/viewed"');
  });

  it('records nothing for a teacher who is not enrolled, and 404s for an unknown module', async () => {
    const { user, agent } = await userAgent(ctx);
    const module = course().modules[0]!;
    expect((await agent.post(`/courses/ict-primary-education/${module.slug}/viewed`)).status).toBe(204);
    expect((await agent.post('/courses/ict-primary-education/no-such-module/viewed')).status).toBe(404);
    expect(await rowsOf(user.id)).toEqual({ progress: [], experienced: [] });
  });
});

describe('the quiz as a visitor sees it', () => {
  it('is questions to read, not a form with nothing to send, and says "choose all that apply" once', async () => {
    const mod = catalogue.course('media-information-literacy')!.modules[0]!;
    const res = await request(ctx.app).get(`/courses/media-information-literacy/${mod.slug}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(`action="/courses/media-information-literacy/${mod.slug}/quiz"`);
    expect(res.text).toContain('class="quiz-questions"');
    const multiple = mod.quiz!.questions.find((q) => q.type === 'multiple')!;
    const legend = new RegExp(`<legend>\\d+\\. ${multiple.prompt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^]*?</legend>`).exec(res.text)?.[0] ?? '';
    expect(legend.match(/choose all that apply/gi)).toHaveLength(1);
  });
});
