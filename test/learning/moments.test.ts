import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalogue, type CatalogueCourse, type CatalogueModule, getCatalogue } from '../../server/courses/catalogue.ts';
import { certificates, learningRecords, moduleProgress, quizAttempts, users } from '../../server/db/schema.ts';
import { VERBS } from '../../server/learning/records.ts';
import { COURSE_YAML, moduleFile, QUIZ, writePackages } from '../courses/fixtures.ts';
import { createTestApp, ORIGIN, type TestContext, userAgent } from '../helpers.ts';

// The teacher's moments: a submission that survives the link (idempotency keys), locked modules
// that stay locked, and the completion of a course with its certificate in view, without JavaScript
// (the page a form's redirect lands on) and with htmx (the fragment).

const ctx = await createTestApp();
const catalogue = await getCatalogue(ctx.db);
const course = (slug: string) => catalogue.course(slug)!;
type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

function answersOf(module: CatalogueModule, mode: 'right' | 'wrong'): Record<string, string[]> {
  const form: Record<string, string[]> = {};
  for (const q of module.quiz!.questions) {
    form[`q.${q.id}`] = mode === 'right' ? q.options.filter((o) => o.correct).map((o) => o.id) : [q.options.find((o) => !o.correct)!.id];
  }
  return form;
}
const formBody = (fields: Record<string, string[] | string>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
};
const keyIn = (html: string) => /name="submissionKey" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
/** The HTML of the quiz result: from its opening tag to the quiz form after it. */
const resultIn = (html: string) => {
  const start = html.indexOf('id="quiz-result"');
  return start < 0 ? '' : html.slice(start, html.indexOf('<form', start));
};
const unescapeHtml = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&#34;', '"').replaceAll('&#39;', "'");

/** Passes every quiz of the course in order (plain form posts, each with the key its page rendered); returns the last answer. */
async function finishCourse(agent: Agent, c: CatalogueCourse) {
  await agent.post(`/courses/${c.slug}/enrol`);
  let last: Awaited<ReturnType<Agent['post']>> | undefined;
  for (const m of c.modules) {
    const page = await agent.get(`/courses/${c.slug}/${m.slug}`);
    last = await agent
      .post(`/courses/${c.slug}/${m.slug}/quiz`)
      .type('form')
      .send(formBody({ ...answersOf(m, 'right'), submissionKey: keyIn(page.text)! }));
    expect(last.status).toBe(303);
  }
  return last!;
}

async function certificateOf(userId: number, courseId: number) {
  const [row] = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.userId, userId), eq(certificates.courseId, courseId)));
  return row!;
}

/** Every certificate action, as the HTML (attributes escaped) carries it. */
function expectCertificateActions(html: string, c: CatalogueCourse, code: string) {
  expect(html).toContain(`href="/certificates/${code}"`);
  expect(html).toContain(`href="/certificates/${code}.pdf"`);
  expect(html).toContain(`href="/certificates/${code}.json"`);
  expect(html).toContain(`value="${ORIGIN}/certificates/${code}"`); // the link to share
  const linkedIn = /href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(html)?.[1];
  expect(linkedIn).toBeDefined();
  const url = new URL(unescapeHtml(linkedIn!));
  const year = new Date().getUTCFullYear();
  expect(Object.fromEntries(url.searchParams)).toEqual({
    startTask: 'CERTIFICATION_NAME',
    name: c.title,
    organizationName: ctx.config.issuerName,
    issueYear: String(year),
    issueMonth: expect.stringMatching(/^([1-9]|1[0-2])$/),
    certUrl: `${ORIGIN}/certificates/${code}`,
    certId: code,
  });
}

describe('POST /courses/:course/:module/quiz with an idempotency key', () => {
  it('renders a fresh random key with each quiz form', async () => {
    const { agent } = await userAgent(ctx);
    const c = course('ict-primary-education');
    await agent.post(`/courses/${c.slug}/enrol`);
    const url = `/courses/${c.slug}/${c.modules[0]!.slug}`;
    const [a, b] = [keyIn((await agent.get(url)).text), keyIn((await agent.get(url)).text)];
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
  });

  it('records one attempt for a repeated submission and answers it with the same result', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('ict-primary-education');
    const m = c.modules[1]!;
    await agent.post(`/courses/${c.slug}/enrol`);
    const page = await agent.get(`/courses/${c.slug}/${m.slug}`);
    const body = formBody({ ...answersOf(m, 'wrong'), submissionKey: keyIn(page.text)! });
    const post = () => agent.post(`/courses/${c.slug}/${m.slug}/quiz`).type('form').send(body);

    const first = await post();
    const again = await post();
    expect(first.status).toBe(303);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    // The same form sent by htmx (a retry after a lost answer) gets the same result in place.
    const viaHtmx = await agent.post(`/courses/${c.slug}/${m.slug}/quiz`).set('HX-Request', 'true').set('HX-Request-Type', 'partial').type('form').send(body);
    expect(viaHtmx.status).toBe(200);
    expect(resultIn(viaHtmx.text)).toContain('You scored 0%');
    expect(resultIn((await agent.get(first.headers.location)).text)).toContain('You scored 0%');

    expect(await ctx.db.select().from(quizAttempts).where(eq(quizAttempts.userId, user.id))).toHaveLength(1);
    const [progress] = await ctx.db
      .select()
      .from(moduleProgress)
      .where(and(eq(moduleProgress.userId, user.id), eq(moduleProgress.moduleId, m.id)));
    expect(progress?.attempts).toBe(1);
    const attempted = await ctx.db
      .select()
      .from(learningRecords)
      .where(and(eq(learningRecords.userId, user.id), eq(learningRecords.verb, VERBS.attempted)));
    expect(attempted).toHaveLength(1);
  });

  it('records a new attempt for each new key, and one for each submission without a key', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('ict-primary-education');
    const m = c.modules[2]!;
    await agent.post(`/courses/${c.slug}/enrol`);
    const post = (fields: Record<string, string[] | string>) => agent.post(`/courses/${c.slug}/${m.slug}/quiz`).type('form').send(formBody(fields));
    for (let i = 0; i < 2; i++) {
      const key = keyIn((await agent.get(`/courses/${c.slug}/${m.slug}`)).text)!;
      expect((await post({ ...answersOf(m, 'wrong'), submissionKey: key })).status).toBe(303);
    }
    expect((await post(answersOf(m, 'wrong'))).status).toBe(303);
    // Three failures start the module's wait (10 minutes by default): let it pass.
    await ctx.db
      .update(quizAttempts)
      .set({ submittedAt: Date.now() - 3600_000 })
      .where(eq(quizAttempts.userId, user.id));
    expect((await post({ ...answersOf(m, 'wrong'), submissionKey: 'not a key!' })).status).toBe(303);
    expect(await ctx.db.select().from(quizAttempts).where(eq(quizAttempts.userId, user.id))).toHaveLength(4);
  });

  it("refuses another module's key (422) and records nothing", async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('ict-primary-education');
    const [m1, m2] = c.modules;
    await agent.post(`/courses/${c.slug}/enrol`);
    const key = keyIn((await agent.get(`/courses/${c.slug}/${m1!.slug}`)).text)!;
    await agent
      .post(`/courses/${c.slug}/${m1!.slug}/quiz`)
      .type('form')
      .send(formBody({ ...answersOf(m1!, 'wrong'), submissionKey: key }));
    const other = await agent
      .post(`/courses/${c.slug}/${m2!.slug}/quiz`)
      .type('form')
      .send(formBody({ ...answersOf(m2!, 'right'), submissionKey: key }));
    expect(other.status).toBe(422);
    expect(await ctx.db.select().from(quizAttempts).where(eq(quizAttempts.userId, user.id))).toHaveLength(1);
  });

  it('keeps keys per teacher: the same key from two teachers is two attempts', async () => {
    const a = await userAgent(ctx);
    const b = await userAgent(ctx);
    const c = course('ict-primary-education');
    const m = c.modules[3]!;
    const body = formBody({ ...answersOf(m, 'wrong'), submissionKey: 'shared-key-0123456789' });
    for (const { agent } of [a, b]) {
      await agent.post(`/courses/${c.slug}/enrol`);
      expect((await agent.post(`/courses/${c.slug}/${m.slug}/quiz`).type('form').send(body)).status).toBe(303);
    }
    for (const { user } of [a, b]) expect(await ctx.db.select().from(quizAttempts).where(eq(quizAttempts.userId, user.id))).toHaveLength(1);
  });
});

describe('GET /courses/:course/:module of a locked module', () => {
  it('shows no content and no quiz, and links the module that opens it at the top', async () => {
    const { agent } = await userAgent(ctx);
    const c = course('arctic-teaching-ict');
    expect(c.sequential).toBe(true);
    await agent.post(`/courses/${c.slug}/enrol`);
    const [first, , third] = c.modules;
    const res = await agent.get(`/courses/${c.slug}/${third!.slug}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('class="module-body"');
    expect(res.text).not.toContain(third!.bodyHtml.slice(0, 60));
    expect(res.text).not.toContain('id="quiz"');
    expect(res.text).not.toContain(third!.quiz!.questions[0]!.prompt);
    // The notice comes straight after the title, before anything else of the module.
    const h1 = res.text.indexOf('<h1>');
    const notice = res.text.indexOf('class="alert alert-info lock-notice"');
    const link = res.text.indexOf(`href="/courses/${c.slug}/${first!.slug}"`, notice);
    expect(h1).toBeGreaterThan(0);
    expect(notice).toBeGreaterThan(h1);
    expect(link).toBeGreaterThan(notice);
    expect(link).toBeLessThan(res.text.indexOf('id="module-status"'));
    expect(res.text.slice(notice, link)).toContain('This module is locked.');
  });

  it('links the first module not yet complete once earlier ones are done', async () => {
    const { agent } = await userAgent(ctx);
    const c = course('arctic-teaching-ict');
    const [first, second, , fourth] = c.modules;
    await agent.post(`/courses/${c.slug}/enrol`);
    await agent
      .post(`/courses/${c.slug}/${first!.slug}/quiz`)
      .type('form')
      .send(formBody(answersOf(first!, 'right')));
    const res = await agent.get(`/courses/${c.slug}/${fourth!.slug}`);
    const notice = res.text.slice(res.text.indexOf('lock-notice'), res.text.indexOf('id="module-status"'));
    expect(notice).toContain(`href="/courses/${c.slug}/${second!.slug}"`);
    expect(notice).not.toContain(`href="/courses/${c.slug}/${first!.slug}"`);
    // The module that is open now shows its content.
    expect((await agent.get(`/courses/${c.slug}/${second!.slug}`)).text).toContain('class="module-body"');
  });

  it('marks locked modules with a lock and its text in the module list and on the course page', async () => {
    const { agent } = await userAgent(ctx);
    const c = course('arctic-teaching-ict');
    await agent.post(`/courses/${c.slug}/enrol`);
    const page = await agent.get(`/courses/${c.slug}/${c.modules[0]!.slug}`);
    const start = page.text.indexOf('class="module-nav"');
    const nav = page.text.slice(start, page.text.indexOf('</nav>', start));
    expect(nav.match(/class="icon icon-lock"/g)).toHaveLength(c.modules.length - 1);
    expect(nav.match(/<span class="visually-hidden">\(Locked\)<\/span>/g)).toHaveLength(c.modules.length - 1);
    expect(nav).toMatch(/<svg class="icon icon-lock"[^>]*aria-hidden="true"/);
    const coursePage = await agent.get(`/courses/${c.slug}`);
    expect(coursePage.text.match(/class="status status-locked"><svg class="icon icon-lock"/g)).toHaveLength(c.modules.length - 1);
  });

  it('still shows the content to visitors and to teachers who are not enrolled (reading is open)', async () => {
    const c = course('arctic-teaching-ict');
    const { agent } = await userAgent(ctx);
    const res = await agent.get(`/courses/${c.slug}/${c.modules[2]!.slug}`);
    expect(res.text).toContain('class="module-body"');
    expect(res.text).not.toContain('lock-notice');
  });
});

describe('the completion moment', () => {
  it('the last quiz result (where the form redirects without JavaScript) links the certificate, its PDF, JSON and LinkedIn', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('media-information-literacy');
    const last = await finishCourse(agent, c);
    expect(last.headers.location).toMatch(/\?attempt=\d+#quiz-result$/);
    const page = await agent.get(last.headers.location);
    const result = resultIn(page.text);
    expect(result).toContain('Passed with 100%');
    expect(result).toContain('You have completed this course.');
    expect(result).toMatch(/id="quiz-result" class="quiz-result" role="status" tabindex="-1" autofocus/);
    expectCertificateActions(result, c, (await certificateOf(user.id, c.id)).code);
    expect(result).toContain('href="/dashboard"');
    expect(result).toContain('href="/"');
    // The status box above says so too, without repeating the whole panel.
    const status = page.text.slice(page.text.indexOf('id="module-status"'), page.text.indexOf('id="quiz"'));
    expect(status).toContain('You have completed this course.');
    expect(status).not.toContain('linkedin.com');
  });

  it('the htmx result carries the same panel, to be focused where the teacher is looking', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('media-information-literacy');
    await agent.post(`/courses/${c.slug}/enrol`);
    for (const m of c.modules) {
      const res = await agent
        .post(`/courses/${c.slug}/${m.slug}/quiz`)
        .set('HX-Request', 'true')
        .set('HX-Request-Type', 'partial')
        .type('form')
        .send(formBody(answersOf(m, 'right')));
      expect(res.status).toBe(200);
      if (m === c.modules.at(-1)) {
        expect(resultIn(res.text)).toContain('autofocus');
        expectCertificateActions(resultIn(res.text), c, (await certificateOf(user.id, c.id)).code);
      } else {
        expect(res.text).not.toContain('linkedin.com');
      }
    }
  });

  it('the course page of a completed course links the certificate and what to do next', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('media-information-literacy');
    await finishCourse(agent, c);
    const page = await agent.get(`/courses/${c.slug}`);
    expect(page.text).toContain('You have completed this course.');
    expectCertificateActions(page.text, c, (await certificateOf(user.id, c.id)).code);
    expect(page.text).toContain('href="/dashboard"');
  });

  it('a revisited module of a completed course links the certificate in its status box', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('media-information-literacy');
    await finishCourse(agent, c);
    const page = await agent.get(`/courses/${c.slug}/${c.modules[0]!.slug}`);
    const status = page.text.slice(page.text.indexOf('id="module-status"'), page.text.indexOf('id="quiz"'));
    expectCertificateActions(status, c, (await certificateOf(user.id, c.id)).code);
  });

  it('says the certificate waits for a confirmed address when it does', async () => {
    const { user, agent } = await userAgent(ctx);
    await ctx.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, user.id));
    const c = course('media-information-literacy');
    const last = await finishCourse(agent, c);
    const result = resultIn((await agent.get(last.headers.location)).text);
    expect(result).toContain('You have completed this course.');
    expect(result).toContain('as soon as you confirm your e-mail address');
    expect(result).not.toContain('/certificates/');
  });

  it('shows a revoked certificate as revoked, without the share actions', async () => {
    const { user, agent } = await userAgent(ctx);
    const c = course('media-information-literacy');
    await finishCourse(agent, c);
    await ctx.db.update(certificates).set({ revokedAt: Date.now(), revokedReason: 'test' }).where(eq(certificates.userId, user.id));
    const page = await agent.get(`/courses/${c.slug}`);
    expect(page.text).toContain('status-revoked');
    expect(page.text).not.toContain('linkedin.com');
    expect(page.text).not.toContain('.pdf"');
  });
});

describe('POST /courses/:course/:module/complete on the last module', () => {
  const packages = writePackages({
    'steps-course': {
      'course.yaml': `${COURSE_YAML}sequential: true\n`,
      'modules/01-first-step.md': moduleFile({ title: 'First step', quiz: QUIZ.replace('pass_mark: 50', 'pass_mark: 50\n  max_attempts: 1') }),
      'modules/02-last-step.md': moduleFile({ title: 'Last step', body: '## Reading\n\nRead this closely.' }),
    },
  });
  let steps: TestContext;
  let stepsCatalogue: Catalogue;
  const stepsCourse = () => stepsCatalogue.course('steps-course')!;
  beforeAll(async () => {
    steps = await createTestApp({ courses: packages });
    stepsCatalogue = await getCatalogue(steps.db);
  });

  it('lands, without JavaScript, on the completion with the certificate, focused', async () => {
    const { user, agent } = await userAgent(steps);
    const c = stepsCourse();
    const [first, last] = c.modules;
    await agent.post(`/courses/${c.slug}/enrol`);
    await agent
      .post(`/courses/${c.slug}/${first!.slug}/quiz`)
      .type('form')
      .send(formBody({ 'q.q1': 'b', 'q.q2': ['a', 'c'] }));
    const done = await agent.post(`/courses/${c.slug}/${last!.slug}/complete`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/courses/${c.slug}/${last!.slug}?done=course#module-result`);
    const page = await agent.get(done.headers.location);
    expect(page.text).toMatch(/id="module-result" class="module-result" tabindex="-1" role="status" autofocus/);
    const [certificate] = await steps.db.select().from(certificates).where(eq(certificates.userId, user.id));
    const code = certificate!.code;
    expect(page.text).toContain(`href="/certificates/${code}.pdf"`);
    expect(page.text).toContain('linkedin.com/profile/add');
  });

  it('answers a repeat of the last allowed attempt with its result, not "no attempts left"', async () => {
    const { user, agent } = await userAgent(steps);
    const c = stepsCourse();
    const first = c.modules[0]!;
    await agent.post(`/courses/${c.slug}/enrol`);
    const key = keyIn((await agent.get(`/courses/${c.slug}/${first.slug}`)).text)!;
    const body = formBody({ 'q.q1': 'a', 'q.q2': ['b'], submissionKey: key });
    const once = await agent.post(`/courses/${c.slug}/${first.slug}/quiz`).type('form').send(body);
    const twice = await agent.post(`/courses/${c.slug}/${first.slug}/quiz`).type('form').send(body);
    expect([once.status, twice.status]).toEqual([303, 303]);
    expect(twice.headers.location).toBe(once.headers.location);
    expect(await steps.db.select().from(quizAttempts).where(eq(quizAttempts.userId, user.id))).toHaveLength(1);
    // A new submission (a new key) is refused: the one attempt is used.
    const other = await agent
      .post(`/courses/${c.slug}/${first.slug}/quiz`)
      .type('form')
      .send(formBody({ 'q.q1': 'b', 'q.q2': ['a', 'c'], submissionKey: 'another-key-0123456789' }));
    expect(other.status).toBe(422);
  });
});

describe('the certificate a finished Russian course issues', () => {
  it('names the issuer by ISSUER_NAME_RU, an English course by ISSUER_NAME', async () => {
    const named = await createTestApp({ env: { ISSUER_NAME: 'Arctic Teacher Institute', ISSUER_NAME_RU: 'Арктический институт учителей' } });
    const namedCatalogue = await getCatalogue(named.db);
    const { user, agent } = await userAgent(named);
    const stored = async (slug: string) => {
      const [row] = await named.db
        .select({ issuerName: certificates.issuerName })
        .from(certificates)
        .where(and(eq(certificates.userId, user.id), eq(certificates.courseId, namedCatalogue.course(slug)!.id)));
      return row?.issuerName;
    };
    await finishCourse(agent, namedCatalogue.course('arctic-teaching-ict')!);
    await finishCourse(agent, namedCatalogue.course('media-information-literacy')!);
    expect(await stored('arctic-teaching-ict')).toBe('Арктический институт учителей');
    expect(await stored('media-information-literacy')).toBe('Arctic Teacher Institute');
  });
});
