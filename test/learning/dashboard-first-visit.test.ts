import { describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { competencyEvidence } from '../../server/db/schema.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';

// The dashboard a teacher sees first: where to start instead of an empty list, the ICT-CFT
// profile explained instead of 18 bare "Not yet" cells, and the next step of each course.

const ctx = await createTestApp();
const catalogue = await getCatalogue(ctx.db);
const course = (slug: string) => catalogue.course(slug)!;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('GET /dashboard for a new teacher', () => {
  it('says what the platform does and where to start, with recommended first courses', async () => {
    const { agent } = await userAgent(ctx, { name: 'Sardana Ivanova' });
    const res = await agent.get('/dashboard');
    expect(res.status).toBe(200);
    expect(text(res.text)).toContain('Welcome, Sardana Ivanova! Here you take short courses at your own pace');
    expect(res.text).toContain('<h2>Where to start</h2>');
    const start = res.text.slice(res.text.indexOf('<h2>Where to start</h2>'), res.text.indexOf('<h2>My certificates</h2>'));
    const recommended = [...start.matchAll(/<h3><a href="\/courses\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(recommended.length).toBeGreaterThanOrEqual(1);
    expect(recommended.length).toBeLessThanOrEqual(3);
    expect(recommended[0]).toBe('ict-primary-education'); // the English course that develops the most competencies
    expect(text(start)).toContain(`Develops ${course('ict-primary-education').competencies.length} competencies you have no evidence for yet`);
    expect(start).toContain('href="/"');
    expect(res.text).not.toContain('You are not enrolled in any course yet.');
  });

  it('explains the ICT-CFT profile in a sentence and keeps the empty matrix folded', async () => {
    const { agent } = await userAgent(ctx);
    const res = await agent.get('/dashboard');
    expect(res.text).toContain('The UNESCO ICT Competency Framework for Teachers describes 18 competencies');
    expect(res.text).toContain('You have demonstrated 0 of the 18 competencies.');
    expect(res.text).toMatch(/<details class="matrix-details">\s*<summary>Show the 18 competencies and your evidence<\/summary>/);
  });

  it('recommends the Russian course first to a teacher who reads the site in Russian', async () => {
    const { agent } = await userAgent(ctx, { language: 'ru' });
    const res = await agent.get('/dashboard?lang=ru');
    expect(res.text).toContain('<h2>С чего начать</h2>');
    const start = res.text.slice(res.text.indexOf('<h2>С чего начать</h2>'));
    expect(start.match(/<h3><a href="\/courses\/([a-z0-9-]+)"/)?.[1]).toBe('arctic-teaching-ict');
  });
});

describe('GET /dashboard for a teacher with courses', () => {
  it('gives each course in progress its next step, and the due date of its cohort', async () => {
    const { user, agent } = await userAgent(ctx);
    const primary = course('ict-primary-education');
    await agent.post(`/courses/${primary.slug}/enrol`);
    const trainer = await makeUser(ctx.db, { roles: ['trainer'] });
    const cohort = await createCohort(
      ctx.db,
      { name: 'Yakutsk spring', courses: [primary.id], startDate: '2026-01-10', dueDate: '2099-05-31', description: '' },
      trainer.id,
    );
    await addMember(ctx.db, cohort, user.id);
    const res = await agent.get('/dashboard');
    expect(res.text).not.toContain('<h2>Where to start</h2>');
    expect(text(res.text)).toContain(`Next step: ${primary.modules[0]!.title} (Module 1 of ${primary.modules.length})`);
    expect(res.text).toContain(`href="/courses/${primary.slug}/${primary.modules[0]!.slug}"`);
    expect(res.text).toContain('Due 31 May 2099 (Yakutsk spring)');
    // What would fill the gaps comes after, without the course already taken.
    const recommended = res.text.slice(res.text.indexOf('<h2>Recommended for you</h2>'), res.text.indexOf('<h2>My certificates</h2>'));
    expect(recommended).toContain('href="/courses/media-information-literacy"');
    expect(recommended).not.toContain(`href="/courses/${primary.slug}"`);
  });

  it('opens the matrix once the teacher has evidence', async () => {
    const { user, agent } = await userAgent(ctx);
    const mil = course('media-information-literacy');
    await ctx.db.insert(competencyEvidence).values({
      userId: user.id,
      competency: 'KA.1',
      moduleId: mil.modules[0]!.id,
      courseId: mil.id,
      source: `module:${mil.modules[0]!.id}`,
      createdAt: Date.now(),
    });
    const res = await agent.get('/dashboard');
    expect(res.text).toContain('You have demonstrated 1 of the 18 competencies.');
    expect(res.text).toMatch(/<details class="matrix-details" open>/);
  });
});

describe('the learning record download', () => {
  it('is named in plain words, in both languages, at the same address', async () => {
    const { agent } = await userAgent(ctx);
    const en = await agent.get('/dashboard');
    expect(en.text).toContain('<a href="/dashboard/records.json" download>Download my learning record (for other systems)</a>');
    expect(en.text).not.toContain('xAPI JSON');
    const ru = await agent.get('/dashboard?lang=ru');
    expect(ru.text).toContain('<a href="/dashboard/records.json" download>Скачать мою историю обучения (для других систем)</a>');
    expect((await agent.get('/dashboard/records.json')).status).toBe(200);
  });
});
