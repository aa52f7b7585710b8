import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assignmentNotices } from '../../server/assignments/notices.ts';
import { assessments, submissions } from '../../server/db/schema.ts';
import { compileView } from '../../server/http/templates.ts';
import { translator } from '../../server/http/i18n.ts';
import { makeUser, ROOT } from '../helpers.ts';
import { assignmentCourse, enrolledTeacher, keyIn, pageUrl } from './fixtures.ts';

// What a teacher reads after a trainer's assessment (written here straight into the tables, as
// the review queue would): the scores per criterion, the total, the feedback, and the share toggle.

const { ctx, essay } = await assignmentCourse();
const DAY = 24 * 3600 * 1000;
type Teacher = Awaited<ReturnType<typeof enrolledTeacher>>;

async function handedIn(teacher: Teacher, text: string) {
  const page = await teacher.agent.get(pageUrl(essay));
  const res = await teacher.agent
    .post(`${pageUrl(essay)}/submission`)
    .type('form')
    .send({ submissionKey: keyIn(page.text)!, text });
  expect(res.status).toBe(303);
  const [row] = await ctx.db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, teacher.user.id), eq(submissions.moduleId, essay.id)))
    .orderBy(submissions.version)
    .then((rows) => rows.slice(-1));
  return row!;
}

async function assess(submissionId: number, scores: Record<string, number>, feedback: string, when = Date.now()) {
  const trainer = await makeUser(ctx.db, { name: 'Trainer Tamara', roles: ['trainer'] });
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  const passed = total >= 4;
  await ctx.db.insert(assessments).values({ submissionId, assessorId: trainer.id, scores, total, passed, feedback, createdAt: when });
  await ctx.db
    .update(submissions)
    .set({ status: passed ? 'passed' : 'needs_work' })
    .where(eq(submissions.id, submissionId));
}

describe('the history of versions', () => {
  it('lists every version newest first with its assessment: levels, points, total against threshold, escaped feedback, assessor', async () => {
    const teacher = await enrolledTeacher(ctx);
    const first = await handedIn(teacher, 'First draft');
    await assess(first.id, { plan: 1, offline: 0 }, 'Add timings.\n<script>alert(1)</script>');
    const second = await handedIn(teacher, 'Second draft');
    await assess(second.id, { plan: 3, offline: 2 }, 'Well done.');

    const page = await teacher.agent.get(pageUrl(essay));
    const html = page.text;
    expect(html).toMatch(/Status: <strong[^>]*>passed<\/strong>/);
    expect(html.indexOf('Version 2,')).toBeGreaterThan(0);
    expect(html.indexOf('Version 2,')).toBeLessThan(html.indexOf('Version 1,'));
    expect(html).toContain('Total: 1 point (needed: 4).');
    expect(html).toContain('Total: 5 points (needed: 4).');
    expect(html).toMatch(/<th scope="row" lang="en">Plan of the lesson<\/th><td lang="en">Sketch<\/td><td>1<\/td>/);
    expect(html).toMatch(/<th scope="row" lang="en">Works offline<\/th><td lang="en">Offline<\/td><td>2<\/td>/);
    expect(html).toContain('Add timings.<br>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Assessed by Trainer Tamara on');
    expect(html).toContain('Needs work.');
    // Passed: no form to hand in again, and the version can be shared.
    expect(html).not.toContain(`action="${pageUrl(essay)}/submission"`);
    expect(html).toContain(`action="${pageUrl(essay)}/submission/${second.id}/share"`);
    expect(html).not.toContain(`/submission/${first.id}/share`);
  });

  it('shows another teacher none of it', async () => {
    const owner = await enrolledTeacher(ctx);
    await handedIn(owner, 'Private words of the owner');
    const other = await enrolledTeacher(ctx);
    const page = await other.agent.get(pageUrl(essay));
    expect(page.text).not.toContain('Private words of the owner');
    expect(page.text).toContain('not handed in yet');
  });
});

describe('POST /courses/:course/:module/submission/:id/share', () => {
  it('lets the owner show a passed version and hide it again', async () => {
    const teacher = await enrolledTeacher(ctx);
    const row = await handedIn(teacher, 'Share me');
    await assess(row.id, { plan: 3, offline: 2 }, '');
    const url = `${pageUrl(essay)}/submission/${row.id}/share`;
    const shared = async () => (await ctx.db.select().from(submissions).where(eq(submissions.id, row.id)))[0]!.shared;

    const on = await teacher.agent.post(url).type('form').send({ shared: 'on' });
    expect(on.status).toBe(303);
    expect(on.headers.location).toBe(`${pageUrl(essay)}#assignment`);
    expect(await shared()).toBe(true);
    expect((await teacher.agent.get(pageUrl(essay))).text).toMatch(/id="share-\d+" name="shared" value="on" checked/);

    const off = await teacher.agent.post(url).set('HX-Request', 'true').set('HX-Request-Type', 'partial').type('form').send({});
    expect(off.status).toBe(200);
    expect(off.text.trimStart()).toMatch(/^<section id="assignment"/);
    expect(await shared()).toBe(false);
  });

  it('answers 404 to another teacher, and refuses a version that has not passed', async () => {
    const owner = await enrolledTeacher(ctx);
    const row = await handedIn(owner, 'Mine');
    const other = await enrolledTeacher(ctx);
    const url = `${pageUrl(essay)}/submission/${row.id}/share`;
    expect((await other.agent.post(url).type('form').send({ shared: 'on' })).status).toBe(404);
    expect(
      (
        await owner.agent
          .post(`${pageUrl(essay)}/submission/999999/share`)
          .type('form')
          .send({ shared: 'on' })
      ).status,
    ).toBe(404);
    expect((await owner.agent.post(url).type('form').send({ shared: 'on' })).status).toBe(422);
    const [stored] = await ctx.db.select().from(submissions).where(eq(submissions.id, row.id));
    expect(stored!.shared).toBe(false);
  });
});

describe('assignmentNotices', () => {
  it('lists the assessments of the last 14 days, newest first, linking to the section', async () => {
    const teacher = await enrolledTeacher(ctx);
    const first = await handedIn(teacher, 'Old');
    await assess(first.id, { plan: 1, offline: 0 }, '', Date.now() - 20 * DAY);
    expect(await assignmentNotices(ctx.db, teacher.user.id)).toEqual([]);
    const second = await handedIn(teacher, 'New');
    await assess(second.id, { plan: 3, offline: 2 }, '', Date.now() - DAY);
    const notices = await assignmentNotices(ctx.db, teacher.user.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ moduleTitle: 'Essay module', passed: true, version: 2, href: `${pageUrl(essay)}#assignment` });
    const other = await enrolledTeacher(ctx);
    expect(await assignmentNotices(ctx.db, other.user.id)).toEqual([]);

    // The partial the dashboard includes: what was assessed, how, and the way to the feedback.
    const partial = compileView(`${ROOT}/views/assignments/_dashboard-notices.ejs`, { root: `${ROOT}/views`, cache: false });
    const html = partial({ t: translator('en'), formatDate: () => '29 November 2026', assignmentNotices: notices }) as string;
    expect(html).toContain('Your work for “Essay module” was assessed on 29 November 2026:');
    expect(html).toContain('<strong>passed</strong>');
    expect(html).toContain(`<a href="${pageUrl(essay)}#assignment">read the feedback</a>`);
    expect((partial({ t: translator('en'), formatDate: () => '', assignmentNotices: [] }) as string).trim()).toBe('');
  });
});
