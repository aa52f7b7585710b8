import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyCredential } from '../../server/certificates/verification.ts';
import { submissions } from '../../server/db/schema.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { certify, courseEvidence, EN_COURSE, RU_COURSE, sampleCourse } from './fixtures.ts';

// A credential says, for each competency of its course, whether the course's evidence demonstrated it
// or checked knowledge only, and it references the assessed work its holder shares (nothing else).

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});

async function learnerWithCertificate(slug = EN_COURSE, shared = true) {
  const learner = await makeUser(ctx.db, { name: 'Ánte Sárá' });
  const code = await certify(ctx, learner.id, slug, Date.UTC(2025, 2, 5, 10));
  const work = await courseEvidence(ctx, learner.id, slug, { shared });
  const credential = (await request(ctx.app).get(`/certificates/${code}.json`)).body;
  return { learner, code, work, credential };
}

describe('the credential of a certificate', () => {
  it('states each competency’s standing: assessed work demonstrates its competencies, quizzes alone only KA', async () => {
    const { code, work, credential } = await learnerWithCertificate();
    const course = await sampleCourse(ctx);
    const base = `${ctx.config.baseUrl}/courses/${course.slug}`;
    const achievement = credential.credentialSubject.achievement;
    expect(achievement.resultDescription).toHaveLength(course.competencies.length);
    expect(achievement.resultDescription[0]).toMatchObject({
      id: `${base}#standing-${course.competencies[0]}`,
      type: ['ResultDescription'],
      resultType: 'PerformanceLevel',
      allowedValue: ['knowledge checked', 'demonstrated'],
    });
    const standing = Object.fromEntries(
      credential.credentialSubject.result.map((r: { resultDescription: string; value: string }) => [r.resultDescription.split('#standing-')[1], r.value]),
    );
    for (const c of course.competencies) {
      const expected = c.startsWith('KA.') || work.assignment.competencies.includes(c) ? 'demonstrated' : 'knowledge checked';
      expect(standing[c], c).toBe(expected);
    }
    expect(Object.values(standing)).toContain('knowledge checked');
    expect(credential.evidence).toEqual([
      {
        id: `${ctx.config.baseUrl}/certificates/${code}/evidence/${work.submissionId}`,
        type: ['Evidence'],
        name: work.assignment.title,
        description: work.module.title,
        genre: 'Assessed work',
        narrative: expect.stringContaining(`${work.total} of ${work.total} points`),
      },
    ]);
    const result = await verifyCredential(ctx.db, credential, { baseUrl: ctx.config.baseUrl });
    expect(result.valid).toBe(true);
  });

  it('leaves out work its holder does not share, and adds it once shared (a new signature, same certificate)', async () => {
    const { code, work, credential } = await learnerWithCertificate(EN_COURSE, false);
    expect(credential.evidence).toBeUndefined();
    expect((await request(ctx.app).get(`/certificates/${code}/evidence/${work.submissionId}`)).status).toBe(404);
    await ctx.db.update(submissions).set({ shared: true }).where(eq(submissions.id, work.submissionId));
    const after = (await request(ctx.app).get(`/certificates/${code}.json`)).body;
    expect(after.evidence).toHaveLength(1);
    expect(after.id).toBe(credential.id);
  });

  it('speaks the course’s language', async () => {
    const { credential } = await learnerWithCertificate(RU_COURSE);
    const values = credential.credentialSubject.result.map((r: { value: string }) => r.value);
    expect(new Set(values)).toEqual(new Set(['подтверждена', 'знания проверены']));
    expect(credential.evidence[0].genre).toBe('Оценённая работа');
  });
});

describe('GET /certificates/:code/evidence/:submission', () => {
  it('shows shared work to anyone: the rubric levels, the points and the text (escaped), never the private feedback', async () => {
    const { code, work } = await learnerWithCertificate();
    const res = await request(ctx.app).get(`/certificates/${code}/evidence/${work.submissionId}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(work.assignment.title);
    expect(res.text).toContain('Assessed by Trainer Tove');
    for (const c of work.assignment.rubric.criteria) expect(res.text).toContain(c.levels.at(-1)!.label);
    expect(res.text).toContain('My lesson plan\n&lt;b&gt;for a day offline&lt;/b&gt;');
    expect(res.text).not.toContain('Private feedback');
    const page = await request(ctx.app).get(`/certificates/${code}`);
    expect(page.text).toContain(`href="/certificates/${code}/evidence/${work.submissionId}"`);
    expect(page.text).toContain('— <strong>knowledge checked</strong>');
    expect(page.text).toContain('— <strong>demonstrated</strong>');
  });

  it('answers 404 for another certificate’s work, an unknown id or nonsense', async () => {
    const a = await learnerWithCertificate();
    const b = await learnerWithCertificate();
    for (const path of [
      `/certificates/${b.code}/evidence/${a.work.submissionId}`,
      `/certificates/${a.code}/evidence/999999`,
      `/certificates/${a.code}/evidence/x`,
    ]) {
      expect((await request(ctx.app).get(path)).status, path).toBe(404);
    }
  });
});
