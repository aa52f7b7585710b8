import { unzipSync } from 'fflate';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { assessments, cohortMembers, cohorts, liveSessions, recognitions, sessionAttendance, submissions } from '../../server/db/schema.ts';
import { saveFile } from '../../server/files/queries.ts';
import { fileStore } from '../../server/files/store.ts';
import { addEvidence } from '../../server/learning/queries.ts';
import { createTestApp, makeUser, type TestContext, userAgent } from '../helpers.ts';
import { PDF } from '../files/fixtures.ts';

// The portfolio gathers a teacher's own work, sessions and recognitions on one page and in a ZIP
// whose index links to the files beside it; nobody else's.

let ctx: TestContext;
let teacher: Awaited<ReturnType<typeof userAgent>>;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

beforeAll(async () => {
  ctx = await createTestApp();
  teacher = await userAgent(ctx, { name: 'Aili Nuk' });
  const trainer = await makeUser(ctx.db, { name: 'Tove Trainer', roles: ['trainer'] });
  const course = (await getCatalogue(ctx.db)).course('arctic-teaching-ict')!;
  const module = course.modules.find((m) => m.assignment)!;
  const store = fileStore(ctx.config);
  const userId = teacher.user.id;
  const plan = await saveFile(ctx.db, store, { ownerId: userId, name: 'План урока.pdf', bytes: PDF, mediaType: 'application/pdf', now: T0 });
  const [v1] = await ctx.db
    .insert(submissions)
    .values({ userId, moduleId: module.id, courseId: course.id, version: 1, text: 'Первый вариант\n<script>x</script>', status: 'needs_work', submittedAt: T0 })
    .returning();
  await ctx.db
    .insert(assessments)
    .values({ submissionId: v1!.id, assessorId: trainer.id, scores: {}, total: 3, passed: false, feedback: 'Добавьте план без связи', createdAt: T0 + DAY });
  const [v2] = await ctx.db
    .insert(submissions)
    .values({
      userId,
      moduleId: module.id,
      courseId: course.id,
      version: 2,
      fileId: plan.id,
      url: 'https://example.org/plan',
      status: 'passed',
      submittedAt: T0 + 2 * DAY,
    })
    .returning();
  await ctx.db
    .insert(assessments)
    .values({ submissionId: v2!.id, assessorId: trainer.id, scores: {}, total: 7, passed: true, feedback: '', createdAt: T0 + 3 * DAY });
  await addEvidence(ctx.db, {
    userId,
    competencies: module.assignment!.competencies,
    kind: 'assessed',
    source: `assignment:${module.id}`,
    moduleId: module.id,
    courseId: course.id,
    assessorId: trainer.id,
    now: T0 + 3 * DAY,
  });

  const [cohort] = await ctx.db.insert(cohorts).values({ name: 'Tiksi 2026', startDate: '2026-09-01', createdAt: T0 }).returning();
  await ctx.db.insert(cohortMembers).values({ cohortId: cohort!.id, userId, addedAt: T0 });
  const [session] = await ctx.db
    .insert(liveSessions)
    .values({
      cohortId: cohort!.id,
      kind: 'webinar',
      title: 'Offline lessons clinic',
      startsAt: T0 + 5 * DAY,
      minutes: 90,
      competencies: ['KD.3'],
      createdBy: trainer.id,
      createdAt: T0,
    })
    .returning();
  await ctx.db.insert(sessionAttendance).values({ sessionId: session!.id, userId, recordedBy: trainer.id, recordedAt: T0 + 5 * DAY });
  const certificate = await saveFile(ctx.db, store, { ownerId: userId, name: 'certificate.pdf', bytes: PDF, mediaType: 'application/pdf', now: T0 });
  await ctx.db.insert(recognitions).values({
    userId,
    provider: 'Arctic University',
    title: 'Digital tools for small schools',
    minutes: 1200,
    completedOn: '2025-05-20',
    fileId: certificate.id,
    competencies: ['KD.4'],
    status: 'approved',
    decidedBy: trainer.id,
    decidedAt: T0,
    submittedAt: T0,
  });
});

describe('GET /portfolio', () => {
  it('shows the teacher’s work with every version and its assessment, sessions and recognised learning', async () => {
    const res = await teacher.agent.get('/portfolio');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Первый вариант<br>&lt;script&gt;x&lt;/script&gt;');
    expect(res.text).toContain('Добавьте план без связи');
    expect(res.text).toMatch(/Assessed: 7 of \d+ points/);
    expect(res.text).toContain('План урока.pdf');
    expect(res.text).toContain('id="session-');
    expect(res.text).toContain('Offline lessons clinic');
    expect(res.text).toContain('Digital tools for small schools');
    expect(res.text).toContain('href="/portfolio.zip"');
  });

  it('is the signed-in person’s own: another teacher sees an empty one, a visitor is sent to sign in', async () => {
    const other = await userAgent(ctx);
    const res = await other.agent.get('/portfolio');
    expect(res.text).not.toContain('Offline lessons clinic');
    expect(res.text).not.toContain('Первый вариант');
    expect(res.text).toContain('You have not handed in any work yet.');
    expect((await request(ctx.app).get('/portfolio')).status).toBe(303);
    expect((await request(ctx.app).get('/portfolio.zip')).status).toBe(303);
  });
});

describe('GET /portfolio.zip', () => {
  it('holds an index that links to each text and file beside it, with the bytes as uploaded', async () => {
    const res = await teacher.agent
      .get('/portfolio.zip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="portfolio-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    const names = Object.keys(files).sort();
    const index = Buffer.from(files['index.html']!).toString('utf8');
    expect(index).toContain('<title>Portfolio of Aili Nuk</title>');
    const links = [...index.matchAll(/href="((?:work|recognition)\/[^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBe(3);
    for (const link of links) expect(names).toContain(link);
    const text = names.find((n) => n.endsWith('/v1.txt'))!;
    expect(Buffer.from(files[text]!).toString('utf8')).toBe('Первый вариант\n<script>x</script>');
    const plan = names.find((n) => n.endsWith('v2-План урока.pdf'))!;
    expect(Buffer.from(files[plan]!).equals(PDF)).toBe(true);
    expect(names.some((n) => /^recognition\/\d+-certificate\.pdf$/.test(n))).toBe(true);
  });
});
