import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { addMember, createCohort, inviteMember } from '../../server/cohorts/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { competencyEvidence } from '../../server/db/schema.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';

// What the catalogue adds for a signed-in teacher: progress and the next module on the cards of
// their courses, cohort due dates, and "Recommended for you" from the gaps in their ICT-CFT profile.

const ctx = await createTestApp();
const catalogue = await getCatalogue(ctx.db);
const course = (slug: string) => catalogue.course(slug)!;

function rightAnswers(slug: string, index: number): string {
  const params = new URLSearchParams();
  for (const q of course(slug).modules[index]!.quiz!.questions) for (const o of q.options.filter((x) => x.correct)) params.append(`q.${q.id}`, o.id);
  return params.toString();
}

/** Evidence for every competency of a course, as if its modules had been completed. */
async function evidenceFor(userId: number, slug: string): Promise<void> {
  const c = course(slug);
  for (const code of c.competencies) {
    const module = c.modules.find((m) => m.competencies.includes(code))!;
    await ctx.db
      .insert(competencyEvidence)
      .values({ userId, competency: code, moduleId: module.id, courseId: c.id, source: `module:${module.id}`, createdAt: Date.now() });
  }
}

/** The HTML of one course's card. */
function cardOf(html: string, slug: string): string {
  const start = html.indexOf(`<a href="/courses/${slug}"`);
  expect(start, `card of ${slug}`).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<li class="card', start), html.indexOf('</li>\n', html.indexOf('<ul class="badges">', start)));
}

/** The section of the list under "Recommended for you", up to the next heading or the end of the list. */
function recommendedSection(html: string): string {
  const start = html.indexOf('<h2>Recommended for you</h2>');
  if (start < 0) return '';
  const end = html.indexOf('<h2>', start + 10);
  return html.slice(start, end < 0 ? html.indexOf('</main>') : end);
}

describe('GET / for a signed-in teacher', () => {
  it('shows progress and the next module on the cards of the courses they take', async () => {
    const { agent } = await userAgent(ctx);
    const mil = course('media-information-literacy');
    await agent.post(`/courses/${mil.slug}/enrol`);
    await agent.post(`/courses/${mil.slug}/${mil.modules[0]!.slug}/quiz`).type('form').send(rightAnswers(mil.slug, 0));
    const res = await agent.get('/');
    expect(res.status).toBe(200);
    const card = cardOf(res.text, mil.slug);
    expect(card).toContain('1 of 4 modules (25%)');
    expect(card).toContain('aria-valuenow="25"');
    expect(card).toMatch(new RegExp(`Next step: <a href="/courses/${mil.slug}/${mil.modules[1]!.slug}"[^>]*>${mil.modules[1]!.title}</a>`));
    // The other courses have no progress on their cards.
    expect(cardOf(res.text, 'ict-primary-education')).not.toContain('role="progressbar"');
    // Progress shows in search results and in the htmx fragment too.
    const fragment = await agent.get('/?q=misleading').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(fragment.text).toContain('1 of 4 modules (25%)');
  });

  it('shows a finished course as complete, with no next step', async () => {
    const { agent } = await userAgent(ctx);
    const mil = course('media-information-literacy');
    await agent.post(`/courses/${mil.slug}/enrol`);
    for (const i of mil.modules.keys()) await agent.post(`/courses/${mil.slug}/${mil.modules[i]!.slug}/quiz`).type('form').send(rightAnswers(mil.slug, i));
    const card = cardOf((await agent.get('/')).text, mil.slug);
    expect(card).toContain('4 of 4 modules (100%)');
    // The same icon, colour and word as a trainer sees on the cohort page.
    expect(card).toContain(
      '<span class="status status-done"><span class="status-icon" aria-hidden="true">✓</span> <span class="status-text">Done</span></span>',
    );
    expect(card).not.toContain('Next step');
  });

  it('shows the due date of a cohort the teacher joined on the cards of its courses, and says when it has passed', async () => {
    const { user, agent } = await userAgent(ctx);
    const trainer = await makeUser(ctx.db, { roles: ['trainer'] });
    const soon = await createCohort(
      ctx.db,
      { name: 'Tiksi autumn', courses: [course('arctic-teaching-ict').id], startDate: '2026-01-10', dueDate: '2099-06-30', description: '' },
      trainer.id,
    );
    const late = await createCohort(
      ctx.db,
      { name: 'Old group', courses: [course('ict-primary-education').id], startDate: '1999-01-10', dueDate: '2000-01-31', description: '' },
      trainer.id,
    );
    const invited = await createCohort(
      ctx.db,
      { name: 'Not joined', courses: [course('media-information-literacy').id], startDate: '2026-01-10', dueDate: '2099-01-01', description: '' },
      trainer.id,
    );
    await addMember(ctx.db, soon, user.id);
    await addMember(ctx.db, late, user.id);
    await inviteMember(ctx.db, invited, user.id, trainer.id);
    const res = await agent.get('/');
    expect(cardOf(res.text, 'arctic-teaching-ict')).toContain('Due 30 June 2099 (Tiksi autumn)');
    expect(cardOf(res.text, 'arctic-teaching-ict')).not.toContain('Overdue');
    expect(cardOf(res.text, 'ict-primary-education')).toMatch(
      /<span class="status status-overdue">.*?<span class="status-text">Overdue<\/span><\/span>\s*Due 31 January 2000 \(Old group\)/,
    );
    // An invitation not yet accepted is not a cohort the teacher joined.
    expect(cardOf(res.text, 'media-information-literacy')).not.toContain('Due ');
    expect((await agent.get('/?lang=ru')).text).toContain('Срок — 30 июня 2099 г. (Tiksi autumn)');
  });

  it('recommends the courses that develop the competencies the teacher has no evidence for, with the reason', async () => {
    const { user, agent } = await userAgent(ctx);
    await evidenceFor(user.id, 'media-information-literacy');
    const held = new Set(course('media-information-literacy').competencies);
    const res = await agent.get('/');
    const section = recommendedSection(res.text);
    expect(section).toContain('href="/courses/ict-primary-education"');
    expect(section).toContain('href="/courses/arctic-teaching-ict"');
    // Nothing left to gain from the course they have all the evidence of: it is listed among the others.
    expect(section).not.toContain('href="/courses/media-information-literacy"');
    expect(res.text).toContain('<h2>Other courses</h2>');
    const missing = course('ict-primary-education').competencies.filter((c) => !held.has(c));
    expect(missing.length).toBeGreaterThan(3);
    const reason = cardOf(section, 'ict-primary-education')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ');
    expect(reason).toContain(
      `Develops ${missing.length} competencies you have no evidence for yet: ${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more`,
    );
    // In the reader's language first: the English course before the Russian one in English...
    expect(section.indexOf('ict-primary-education')).toBeLessThan(section.indexOf('arctic-teaching-ict'));
    // ...and the Russian one first in Russian.
    const ru = recommendedSection((await agent.get('/?lang=ru')).text.replace('<h2>Рекомендуем вам</h2>', '<h2>Recommended for you</h2>'));
    expect(ru.indexOf('arctic-teaching-ict')).toBeLessThan(ru.indexOf('ict-primary-education'));
  });

  it('recommends at most three courses, never one the teacher takes or has left', async () => {
    const { agent } = await userAgent(ctx);
    await agent.post('/courses/ict-primary-education/enrol');
    await agent.post('/courses/arctic-teaching-ict/enrol');
    await agent.post('/courses/arctic-teaching-ict/unenrol');
    const section = recommendedSection((await agent.get('/')).text);
    expect(section).toContain('href="/courses/media-information-literacy"');
    expect(section).not.toContain('href="/courses/ict-primary-education"');
    expect(section).not.toContain('href="/courses/arctic-teaching-ict"');
    expect(section.match(/<li class="card/g)?.length ?? 0).toBeLessThanOrEqual(3);
  });

  it('marks a recommended course on its card in filtered results instead of a section of its own', async () => {
    const { agent } = await userAgent(ctx);
    const res = await agent.get('/?language=en');
    expect(res.text).not.toContain('<h2>Recommended for you</h2>');
    expect(cardOf(res.text, 'media-information-literacy')).toContain('<strong>Recommended for you:</strong>');
  });

  it('shows visitors and the shared cache nothing personal', async () => {
    const { agent } = await userAgent(ctx);
    await agent.post('/courses/media-information-literacy/enrol');
    expect((await agent.get('/?q=media')).text).toContain('role="progressbar"');
    for (const url of ['/', '/?q=media']) {
      const res = await request(ctx.app).get(url);
      expect(res.text).not.toContain('Recommended for you');
      expect(res.text).not.toContain('role="progressbar"');
      expect(res.text).not.toContain('Next step');
    }
  });
});
