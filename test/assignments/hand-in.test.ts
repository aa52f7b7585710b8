import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { learningRecords, submissions } from '../../server/db/schema.ts';
import { agent, userAgent } from '../helpers.ts';
import { assignmentCourse, enrolledTeacher, keyIn, pageUrl, SEQUENTIAL } from './fixtures.ts';

const { ctx, essay, plain, upload, later } = await assignmentCourse();
const submit = `${pageUrl(essay)}/submission`;

const versionsOf = (userId: number) =>
  ctx.db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, userId), eq(submissions.moduleId, essay.id)))
    .orderBy(submissions.version);
const statementsOf = (userId: number) => ctx.db.select().from(learningRecords).where(eq(learningRecords.userId, userId));
type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

/** Hands in from the page's own form (its key), as a browser without JavaScript would. */
async function handIn(a: Agent, fields: Record<string, string>) {
  const page = await a.get(pageUrl(essay));
  return a
    .post(submit)
    .type('form')
    .send({ submissionKey: keyIn(page.text)!, ...fields });
}

describe('the assignment section of a module page', () => {
  it('speaks Russian to a Russian reader', async () => {
    const { agent: a } = await enrolledTeacher(ctx, { language: 'ru' });
    const res = await a.get(`${pageUrl(essay)}?lang=ru`);
    expect(res.text).toContain('Сдать работу');
    expect(res.text).toContain('пока не сдана');
    expect(res.text).toContain('Как оценивается работа');
  });

  it('shows a visitor the brief, the rubric and the competencies, with no form', async () => {
    const res = await agent(ctx.app).get(pageUrl(essay));
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="assignment"');
    expect(res.text).toContain('A lesson for intermittent connectivity');
    expect(res.text).toContain('Design <em>one lesson</em> that works offline.');
    expect(res.text).toMatch(/<th scope="row">Plan of the lesson<\/th>\s*<td><strong>Missing<\/strong> \(0 points\)/);
    expect(res.text).toContain('at least 4 of 5 points');
    expect(res.text).toContain('href="/framework/KC.3"');
    expect(res.text).toContain('count as demonstrated');
    expect(res.text).toContain('Enrol in the course to hand in your work.');
    expect(res.text).not.toContain(`action="${submit}"`);
  });

  it('is not on a module without an assignment', async () => {
    const res = await agent(ctx.app).get(pageUrl(plain));
    expect(res.text).not.toContain('id="assignment"');
  });

  it('gives an enrolled teacher the form for the kinds the assignment takes', async () => {
    const { agent: a } = await enrolledTeacher(ctx);
    const res = await a.get(pageUrl(essay));
    expect(res.text).toContain('not handed in yet');
    expect(res.text).toContain(`action="${submit}"`);
    expect(res.text).toContain('name="text"');
    expect(res.text).toContain('name="url"');
    expect(res.text).not.toContain('name="file"');
    expect(res.text).not.toContain('enctype="multipart/form-data"');
  });
});

describe('POST /courses/:course/:module/submission', () => {
  it('hands in text and a link as version 1 (303 to #assignment), waiting, with a "submitted" statement', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const res = await handIn(a, { text: 'My lesson:\nstep one <b>bold</b>', url: 'https://example.org/plan' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${pageUrl(essay)}?handedIn=1#assignment`);
    const [row] = await versionsOf(user.id);
    expect(row).toMatchObject({
      version: 1,
      status: 'waiting',
      text: 'My lesson:\nstep one <b>bold</b>',
      url: 'https://example.org/plan',
      fileId: null,
      shared: false,
    });
    const submitted = (await statementsOf(user.id)).filter((r) => r.verb === 'http://activitystrea.ms/schema/1.0/submit');
    expect(submitted).toHaveLength(1);
    const statement = submitted[0]!.statement as { object: { id: string; definition: { type: string } } };
    expect(statement.object.id).toBe(`${ctx.config.baseUrl}${pageUrl(essay)}#assignment`);
    expect(statement.object.definition.type).toBe('http://adlnet.gov/expapi/activities/performance');
    expect(submitted[0]!.moduleId).toBe(essay.id);

    const page = await a.get(res.headers.location);
    expect(page.text).toContain('Version 1 handed in.');
    expect(page.text).toContain('waiting for review');
    expect(page.text).toContain('My lesson:<br>step one &lt;b&gt;bold&lt;/b&gt;');
    expect(page.text).toContain('<a href="https://example.org/plan" rel="noopener nofollow ugc">');
    expect(page.text).not.toContain(`action="${submit}"`);
  });

  it('answers an htmx request with the section alone, saying which version was handed in', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const page = await a.get(pageUrl(essay));
    const res = await a
      .post(submit)
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .type('form')
      .send({ submissionKey: keyIn(page.text)!, text: 'By htmx' });
    expect(res.status).toBe(200);
    expect(res.text.trimStart()).toMatch(/^<section id="assignment"/);
    expect(res.text).not.toContain('<html');
    expect(res.text).toContain('Version 1 handed in.');
    expect(await versionsOf(user.id)).toHaveLength(1);
  });

  it('records a repeated POST with the same key once', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const page = await a.get(pageUrl(essay));
    const body = { submissionKey: keyIn(page.text)!, text: 'Twice' };
    const first = await a.post(submit).type('form').send(body);
    const second = await a.post(submit).type('form').send(body);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(await versionsOf(user.id)).toHaveLength(1);
    expect((await statementsOf(user.id)).filter((r) => r.verb.endsWith('/submit'))).toHaveLength(1);
  });

  it('takes a new version after "needs work", numbered on, and refuses one after "passed"', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    expect((await handIn(a, { text: 'First try' })).status).toBe(303);
    await ctx.db.update(submissions).set({ status: 'needs_work' }).where(eq(submissions.userId, user.id));
    const again = await a.get(pageUrl(essay));
    expect(again.text).toContain('Hand in a new version');
    expect((await handIn(a, { text: 'Second try' })).status).toBe(303);
    expect((await versionsOf(user.id)).map((v) => [v.version, v.status])).toEqual([
      [1, 'needs_work'],
      [2, 'waiting'],
    ]);

    await ctx.db
      .update(submissions)
      .set({ status: 'passed' })
      .where(and(eq(submissions.userId, user.id), eq(submissions.version, 2)));
    const page = await a.get(pageUrl(essay));
    const refused = await a
      .post(submit)
      .type('form')
      .send({ submissionKey: keyIn(page.text) ?? 'k'.repeat(22), text: 'Third' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('has already passed');
    expect(await versionsOf(user.id)).toHaveLength(2);
  });
});

describe('refusals: 422 with the message on the page, nothing written', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['nothing filled in', { text: '   ', url: '' }, 'Fill in at least one field'],
    ['a URL that is not http(s)', { url: 'javascript:alert(1)' }, 'Link to your work: enter a full web address'],
    ['a URL without a scheme', { url: 'example.org/x' }, 'enter a full web address'],
    ['a URL over 2,000 characters', { url: `https://example.org/${'a'.repeat(2000)}` }, 'Link to your work: use at most 2,000 characters'],
    ['text over 20,000 characters', { text: 'x'.repeat(20_001) }, 'Your text: use at most 20,000 characters'],
  ];
  for (const [what, fields, message] of cases) {
    it(`refuses ${what}`, async () => {
      const { user, agent: a } = await enrolledTeacher(ctx);
      const res = await handIn(a, fields);
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
      expect(res.text).toContain(fields.url || fields.text?.trim() ? 'aria-invalid="true"' : 'role="alert"');
      expect(await versionsOf(user.id)).toHaveLength(0);
      expect(await statementsOf(user.id).then((rows) => rows.filter((r) => r.verb.endsWith('/submit')))).toHaveLength(0);
    });
  }

  it('keeps what was typed in the form beside the error', async () => {
    const { agent: a } = await enrolledTeacher(ctx);
    const res = await handIn(a, { text: 'Keep <me>', url: 'ftp://example.org' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('>Keep &lt;me&gt;</textarea>');
    expect(res.text).toContain('value="ftp://example.org"');
  });

  it('refuses a kind the assignment does not take (a file for a text-and-link assignment)', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const page = await a.get(pageUrl(essay));
    const res = await a
      .post(submit)
      .field('submissionKey', keyIn(page.text)!)
      .field('text', 'With a file')
      .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), { filename: 'plan.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('this assignment does not take this kind of work');
    expect(await versionsOf(user.id)).toHaveLength(0);
  });

  it('refuses a new version while one is waiting', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    expect((await handIn(a, { text: 'First' })).status).toBe(303);
    const res = await a.post(submit).type('form').send({ submissionKey: 'another-key-123456789', text: 'Second' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('still waiting for review');
    expect(await versionsOf(user.id)).toHaveLength(1);
  });

  it('lets only one of two versions sent at once in (different keys): the other is refused as waiting', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const [one, two] = await Promise.all(
      ['race-key-aaaaaaaaaaaa', 'race-key-bbbbbbbbbbbb'].map((submissionKey) => a.post(submit).type('form').send({ submissionKey, text: submissionKey })),
    );
    expect([one!.status, two!.status].sort()).toEqual([303, 422]);
    expect(await versionsOf(user.id)).toHaveLength(1);
  });

  it('answers 403 to a teacher not enrolled, writing nothing', async () => {
    const { user, agent: a } = await userAgent(ctx);
    const res = await a.post(submit).type('form').send({ text: 'Not enrolled' });
    expect(res.status).toBe(403);
    expect(await versionsOf(user.id)).toHaveLength(0);
  });

  it('answers 403 on a module still locked in a sequential course, and shows no section there', async () => {
    const { user, agent: a } = await userAgent(ctx);
    await a.post(`/courses/${SEQUENTIAL}/enrol`);
    const url = `/courses/${SEQUENTIAL}/${later.slug}`;
    expect((await a.get(url)).text).not.toContain('id="assignment"');
    const res = await a.post(`${url}/submission`).type('form').send({ text: 'Too early' });
    expect(res.status).toBe(403);
    const rows = await ctx.db.select().from(submissions).where(eq(submissions.userId, user.id));
    expect(rows).toHaveLength(0);
  });

  it("refuses another module's key (not a repeat): 422, nothing written", async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const page = await a.get(pageUrl(essay));
    const submissionKey = keyIn(page.text)!;
    expect((await a.post(submit).type('form').send({ submissionKey, text: 'Essay' })).status).toBe(303);
    const res = await a
      .post(`${pageUrl(upload)}/submission`)
      .field('submissionKey', submissionKey)
      .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'plan.pdf');
    expect(res.status).toBe(422);
    expect(res.text).toContain('This form was already used');
    const rows = await ctx.db.select().from(submissions).where(eq(submissions.userId, user.id));
    expect(rows.map((r) => r.moduleId)).toEqual([essay.id]);
  });

  it('sends a visitor to sign in and a module without an assignment to 404', async () => {
    const visitor = await agent(ctx.app).post(submit).type('form').send({ text: 'x' });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.location).toMatch(/^\/login/);
    const { agent: a } = await enrolledTeacher(ctx);
    expect(
      (
        await a
          .post(`${pageUrl(plain)}/submission`)
          .type('form')
          .send({ text: 'x' })
      ).status,
    ).toBe(404);
  });

  it('answers type-confused fields with 422, never a 500', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const res = await a.post(submit).send({ text: ['a', 'b'], url: { x: 1 } });
    expect(res.status).toBe(422);
    expect(await versionsOf(user.id)).toHaveLength(0);
  });
});
