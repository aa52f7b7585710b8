import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assessments, cohortMembers, cohorts, competencyEvidence, learningRecords, submissions } from '../../server/db/schema.ts';
import { fileStore } from '../../server/files/store.ts';
import { saveFile } from '../../server/files/queries.ts';
import { PDF } from '../files/fixtures.ts';
import { userAgent } from '../helpers.ts';
import { addLearner, DAY, handIn, makeCohort, useReviewSetup } from './fixtures.ts';

const setup = useReviewSetup();

interface Statement {
  verb: { id: string };
  object: { id: string };
  result: Record<string, unknown>;
  context: { instructor: { account: { name: string } } };
}

async function state(db: Awaited<ReturnType<typeof setup>>['ctx']['db'], submissionId: number, userId: number) {
  const [submission] = await db.select().from(submissions).where(eq(submissions.id, submissionId));
  return {
    status: submission!.status,
    assessments: await db.select().from(assessments).where(eq(assessments.submissionId, submissionId)),
    evidence: await db.select().from(competencyEvidence).where(eq(competencyEvidence.userId, userId)),
    records: await db.select().from(learningRecords).where(eq(learningRecords.userId, userId)),
  };
}

describe('POST /reviews/:submissionId', () => {
  it('passes work at the threshold: assessment, status, assessed evidence, a scored statement and a mail in the teacher’s language', async () => {
    const { ctx, smtp, trainer, cohortId, course, modules } = await setup();
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ада Лавлейс', language: 'ru' });
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    const res = await trainer.agent
      .post(`/reviews/${id}`)
      .type('form')
      .send({ 'c-design': '3', 'c-offline': '2', feedback: 'Clear timings.', queue: String(cohortId) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/reviews?done=${id}`);

    const s = await state(ctx.db, id, ada.id);
    expect(s.status).toBe('passed');
    expect(s.assessments).toHaveLength(1);
    expect(s.assessments[0]).toMatchObject({
      assessorId: trainer.user.id,
      scores: { design: 3, offline: 2 },
      total: 5,
      passed: true,
      feedback: 'Clear timings.',
    });
    // The assignment's competencies default to the module's KD ones: KA.1 gets nothing.
    expect(s.evidence.map((e) => e.competency).sort()).toEqual(['KD.1', 'KD.2']);
    for (const e of s.evidence) {
      expect(e).toMatchObject({
        kind: 'assessed',
        source: `assignment:${modules[0]!.id}`,
        assessorId: trainer.user.id,
        moduleId: modules[0]!.id,
        courseId: course.id,
      });
    }
    expect(s.records).toHaveLength(1);
    const statement = s.records[0]!.statement as unknown as Statement;
    expect(statement.verb.id).toBe('http://adlnet.gov/expapi/verbs/scored');
    expect(statement.object.id).toBe(`${ctx.config.baseUrl}/courses/review-course/offline-lesson#assignment`);
    expect(statement.result).toMatchObject({ score: { raw: 5, min: 0, max: 5, scaled: 1 }, success: true });
    expect(statement.context.instructor.account.name).toBe(String(trainer.user.id));

    const [mail] = await smtp!.waitFor(1);
    expect(mail!.to).toEqual([ada.email.toLowerCase()]);
    expect(mail!.subject).toBe('Ваша работа по модулю «Offline lesson» зачтена');
    expect(mail!.text).toContain('5 из 5 баллов');
    expect(mail!.text).toContain('Clear timings.');
    expect(mail!.text).toContain(`${ctx.config.baseUrl}/courses/review-course/offline-lesson#assignment`);

    const queue = await trainer.agent.get(res.headers.location!);
    expect(queue.text).toContain('Saved: Ада Лавлейс’s 1st version for “Offline lesson” passed with 5 points.');
  });

  it('marks work below the threshold as needing work, with no evidence, and requires feedback', async () => {
    const { ctx, smtp, trainer, cohortId, course, modules } = await setup();
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    const bare = await trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '1', 'c-offline': '2', feedback: '  ' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('Write feedback: below the threshold the teacher needs to know what to change.');
    expect(bare.text).toContain('3 of 5 points: below the 4 needed');
    // The chosen levels stay chosen.
    expect(bare.text).toMatch(/id="r-design-1" name="c-design" value="1" required aria-describedby="r-design-1-desc" checked>/);
    expect((await state(ctx.db, id, ada.id)).assessments).toHaveLength(0);

    const res = await trainer.agent
      .post(`/reviews/${id}`)
      .type('form')
      .send({ 'c-design': '1', 'c-offline': '2', feedback: 'Add timings <b>per</b> activity.' });
    expect(res.status).toBe(303);
    const s = await state(ctx.db, id, ada.id);
    expect(s.status).toBe('needs_work');
    expect(s.assessments[0]).toMatchObject({ total: 3, passed: false });
    expect(s.evidence).toHaveLength(0);
    expect((s.records[0]!.statement as unknown as Statement).result).toMatchObject({ score: { raw: 3, max: 5 }, success: false });
    const [mail] = await smtp!.waitFor(1);
    expect(mail!.subject).toBe('Your work for “Offline lesson” needs more work');
    expect(mail!.text).toContain('Add timings <b>per</b> activity.');

    const page = await trainer.agent.get(`/reviews/${id}`);
    expect(page.text).toContain('Add timings &lt;b&gt;per&lt;/b&gt; activity.');
    expect(page.text).not.toContain('<form method="post" action="/reviews/');
  });

  it('refuses a score outside the rubric or a missing level with 422 naming the criterion, writing nothing', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId);
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    const outside = await trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '2', 'c-offline': '2', feedback: 'x' });
    expect(outside.status).toBe(422);
    expect(outside.text).toContain('“Lesson design”: 2 is not the points of any of its levels.');
    const missing = await trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '3' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Choose a level for “Works offline”.');
    const confused = await trainer.agent.post(`/reviews/${id}`).type('form').send('c-design=3&c-design=1&c-offline=2');
    expect(confused.status).toBe(422);
    const s = await state(ctx.db, id, ada.id);
    expect(s).toMatchObject({ status: 'waiting', assessments: [], evidence: [], records: [] });
  });

  it('adds up the points without saving when asked to', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId);
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    const res = await trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '3', 'c-offline': '2', intent: 'preview' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('5 of 5 points: at or above the 4 needed, the work passes.');
    expect((await state(ctx.db, id, ada.id)).assessments).toHaveLength(0);
  });

  it('lets exactly one of two racing assessments through; the other answers 409 naming the first assessor', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const admin = await userAgent(ctx, { roles: ['admin'], name: 'Alma Admin' });
    const ada = await addLearner(ctx.db, cohortId);
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    const [a, b] = await Promise.all([
      trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '3', 'c-offline': '2' }),
      admin.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '0', 'c-offline': '0', feedback: 'Start again.' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 409]);
    const s = await state(ctx.db, id, ada.id);
    expect(s.assessments).toHaveLength(1);
    const winner = s.assessments[0]!.assessorId === trainer.user.id ? 'Tina Trainer' : 'Alma Admin';
    const loser = a.status === 409 ? a : b;
    expect(loser.text).toContain(`This work has already been assessed by ${winner}. Nothing was changed.`);
    expect(s.status).toBe(s.assessments[0]!.passed ? 'passed' : 'needs_work');
    expect(s.records).toHaveLength(1);
    expect(s.evidence).toHaveLength(s.assessments[0]!.passed ? 2 : 0);
  });

  it('answers 409 through an archived cohort and writes nothing', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId);
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    await ctx.db.update(cohorts).set({ archivedAt: Date.now() }).where(eq(cohorts.id, cohortId));
    const page = await trainer.agent.get(`/reviews/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('it can be read but not assessed');
    expect(page.text).not.toContain('name="c-design"');
    const res = await trainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '3', 'c-offline': '2' });
    expect(res.status).toBe(409);
    expect((await state(ctx.db, id, ada.id)).assessments).toHaveLength(0);
  });

  it('goes on to the oldest work still waiting in the same queue', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const boris = await addLearner(ctx.db, cohortId);
    const now = Date.now();
    const first = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - 3 * DAY });
    const third = await handIn(ctx.db, { userId: boris.id, moduleId: modules[1]!.id, courseId: course.id, submittedAt: now - DAY });
    const second = await handIn(ctx.db, { userId: boris.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - 2 * DAY });
    const res = await trainer.agent
      .post(`/reviews/${first}`)
      .type('form')
      .send({ 'c-design': '3', 'c-offline': '2', queue: String(cohortId) });
    expect(res.headers.location).toBe(`/reviews/${second}?queue=${cohortId}&done=${first}`);
    const next = await trainer.agent.get(res.headers.location!);
    expect(next.text).toContain('Saved: Ada Lovelace’s 1st version for “Offline lesson” passed with 5 points.');
    expect(next.text).toContain('<input type="hidden" name="queue" value="' + cohortId + '">');
    expect(third).toBeGreaterThan(0);
  });
});

describe('GET /reviews/:submissionId', () => {
  it('shows the artefact escaped, the link as user content, the brief collapsed, earlier versions and the rubric form', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId, { name: 'Ada Lovelace' });
    const v1 = await handIn(ctx.db, {
      userId: ada.id,
      moduleId: modules[0]!.id,
      courseId: course.id,
      status: 'needs_work',
      text: 'First try',
      submittedAt: Date.now() - DAY,
    });
    await ctx.db.insert(assessments).values({
      submissionId: v1,
      assessorId: trainer.user.id,
      scores: { design: 1, offline: 0 },
      total: 1,
      passed: false,
      feedback: 'Plan the offline part.',
      createdAt: 1,
    });
    const v2 = await handIn(ctx.db, {
      userId: ada.id,
      moduleId: modules[0]!.id,
      courseId: course.id,
      version: 2,
      text: 'Line one <script>alert(1)</script>\nLine two',
      url: 'https://example.org/plan',
    });
    const res = await trainer.agent.get(`/reviews/${v2}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Line one &lt;script&gt;alert(1)&lt;/script&gt;<br>Line two');
    expect(res.text).toContain('<a href="https://example.org/plan" rel="noopener nofollow ugc">');
    expect(res.text).toMatch(
      /<details class="assignment-brief">\s*<summary>The assignment: A lesson for a day without internet<\/summary>\s*<div class="prose" lang="en"><p>Plan a <strong>lesson<\/strong>/,
    );
    expect(res.text).toContain('2nd version');
    const earlier = res.text.slice(res.text.indexOf('Earlier versions'));
    expect(earlier).toContain('First try');
    expect(earlier).toContain('Plan the offline part.');
    expect(earlier).toContain('Lesson design: Developing (1 point)');
    expect(res.text).toMatch(/<fieldset class="rubric-criterion" id="criterion-design" >\s*<legend lang="en">Lesson design<\/legend>/);
    expect(res.text).toContain('<label for="r-design-3"><strong lang="en">Secure</strong> · 3 points</label>');
    expect(res.text).toContain('<p class="hint" id="r-design-3-desc" lang="en">A complete plan with timings.</p>');
    expect(res.text).toContain('<textarea id="feedback" name="feedback"');
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('is for administrators and the trainers of a cohort that has the learner and the course; others get 404, teachers 403', async () => {
    const { ctx, trainer, cohortId, course, other, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId);
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id });
    // Ada in a cohort of another course: its trainer does not see her work for this one.
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    const otherCohort = await makeCohort(ctx.db, otherTrainer.user.id, [other.id]);
    await ctx.db.insert(cohortMembers).values({ cohortId: otherCohort, userId: ada.id, addedAt: 1, status: 'active' });
    expect((await otherTrainer.agent.get(`/reviews/${id}`)).status).toBe(404);
    expect((await otherTrainer.agent.post(`/reviews/${id}`).type('form').send({ 'c-design': '3', 'c-offline': '2' })).status).toBe(404);
    const stranger = await userAgent(ctx, { roles: ['trainer'] });
    expect((await stranger.agent.get(`/reviews/${id}`)).status).toBe(404);
    expect((await stranger.agent.get('/reviews/999999')).status).toBe(404);
    expect((await stranger.agent.get('/reviews/abc')).status).toBe(404);
    const teacher = await userAgent(ctx);
    expect((await teacher.agent.get(`/reviews/${id}`)).status).toBe(403);
    expect((await trainer.agent.get(`/reviews/${id}`)).status).toBe(200);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    expect((await admin.agent.get(`/reviews/${id}`)).status).toBe(200);
    expect((await state(ctx.db, id, ada.id)).assessments).toHaveLength(0);
  });

  it('shows a file artefact through the files partial, which the cohort’s trainer may download', async () => {
    const { ctx, trainer, cohortId, course, modules } = await setup({ smtp: false });
    const ada = await addLearner(ctx.db, cohortId);
    const file = await saveFile(ctx.db, fileStore(ctx.config), {
      ownerId: ada.id,
      name: 'План урока.pdf',
      bytes: PDF,
      mediaType: 'application/pdf',
      now: Date.now(),
    });
    const id = await handIn(ctx.db, { userId: ada.id, moduleId: modules[0]!.id, courseId: course.id, text: null });
    await ctx.db.update(submissions).set({ fileId: file.id }).where(eq(submissions.id, id));
    const res = await trainer.agent.get(`/reviews/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(new RegExp(`<div class="artefact-file">\\s*<span class="file-link"><a href="/files/${file.id}" download[^>]*>План урока.pdf</a>`));
    expect(res.text).not.toContain('Nothing was handed in.');
    expect((await trainer.agent.get(`/files/${file.id}`)).status).toBe(200);
  });

  it('lets an administrator assess a teacher in no cohort and go on through every queue; nobody assesses their own work', async () => {
    const { ctx, course, modules } = await setup({ smtp: false });
    const admin = await userAgent(ctx, { roles: ['admin'], name: 'Alma Admin' });
    const loner = await addLearner(ctx.db, null, { name: 'Lone Teacher' });
    const now = Date.now();
    const first = await handIn(ctx.db, { userId: loner.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - 2 * DAY });
    const own = await handIn(ctx.db, { userId: admin.user.id, moduleId: modules[0]!.id, courseId: course.id, submittedAt: now - DAY });
    const res = await admin.agent.post(`/reviews/${first}`).type('form').send({ 'c-design': '3', 'c-offline': '2', queue: 'all' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/reviews/${own}?queue=all&done=${first}`);
    expect((await state(ctx.db, first, loner.id)).status).toBe('passed');
    const page = await admin.agent.get(res.headers.location!);
    expect(page.text).toContain('This is your own work: another trainer or an administrator assesses it.');
    expect(page.text).not.toContain('name="c-design"');
    const self = await admin.agent.post(`/reviews/${own}`).type('form').send({ 'c-design': '3', 'c-offline': '2' });
    expect(self.status).toBe(403);
    expect((await state(ctx.db, own, admin.user.id)).assessments).toHaveLength(0);
  });
});
