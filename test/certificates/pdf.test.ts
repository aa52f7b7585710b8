import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formatCode } from '../../server/certificates/code.ts';
import { revokeCertificate } from '../../server/certificates/issue.ts';
import { renderCertificatePdf } from '../../server/certificates/pdf.ts';
import { competencyByCode } from '../../server/framework/ict-cft.ts';
import { createTestApp, makeUser, type TestContext, userAgent } from '../helpers.ts';
import { certify, EN_COURSE, makeCohort, RU_COURSE, sampleCourse } from './fixtures.ts';
import { readPdf } from './pdf-text.ts';

async function getPdf(agent: ReturnType<typeof request.agent>, code: string) {
  return agent
    .get(`/certificates/${code}.pdf`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

async function ownerPdf(ctx: TestContext, name: string, slug = EN_COURSE) {
  const { user, agent } = await userAgent(ctx, { name });
  const code = certify(ctx, user.id, slug, Date.UTC(2025, 2, 5, 10));
  const res = await getPdf(agent, code);
  return { code, res, pdf: readPdf(res.body as Buffer) };
}

describe('GET /certificates/:code.pdf access', () => {
  it('gives the owner the PDF inline with a file name', async () => {
    const ctx = createTestApp();
    const { code, res } = await ownerPdf(ctx, 'Anna Ivanova');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="certificate-${formatCode(code)}.pdf"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('answers 404 to another teacher, as for a certificate they cannot see', async () => {
    const ctx = createTestApp();
    const learner = await makeUser(ctx.db);
    const code = certify(ctx, learner.id);
    const { agent } = await userAgent(ctx);
    expect((await agent.get(`/certificates/${code}.pdf`)).status).toBe(404);
  });

  it('gives it to the trainer of the learner’s cohort, but not to a trainer of another cohort', async () => {
    const ctx = createTestApp();
    const learner = await makeUser(ctx.db);
    const code = certify(ctx, learner.id);
    const theirs = await userAgent(ctx, { roles: ['trainer'] });
    const other = await userAgent(ctx, { roles: ['trainer'] });
    makeCohort(ctx, theirs.user.id, [learner.id]);
    makeCohort(ctx, other.user.id, []);
    const res = await getPdf(theirs.agent, code);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect((await other.agent.get(`/certificates/${code}.pdf`)).status).toBe(404);
  });

  it('gives it to an administrator', async () => {
    const ctx = createTestApp();
    const learner = await makeUser(ctx.db);
    const code = certify(ctx, learner.id);
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const res = await getPdf(agent, code);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
  });

  it('sends a visitor to sign in and back', async () => {
    const ctx = createTestApp();
    const learner = await makeUser(ctx.db);
    const code = certify(ctx, learner.id);
    const res = await request(ctx.app).get(`/certificates/${code}.pdf`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/certificates/${code}.pdf`)}`);
  });

  it('answers 404 for an unknown code', async () => {
    const ctx = createTestApp({ courses: false });
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    expect((await agent.get('/certificates/ZZZZZZZZZZ.pdf')).status).toBe(404);
  });
});

describe('certificate PDF content', () => {
  for (const name of ['Анна Иванова', 'Máret Ánte Sárá', 'Łukasz Żółć', 'Áŋŋá Čđŧž Ŋuorra']) {
    it(`holds the name ${name} as extractable text in embedded DejaVu Sans`, async () => {
      const ctx = createTestApp();
      const { pdf } = await ownerPdf(ctx, name);
      expect(pdf.lines).toContain(name);
      expect(pdf.fonts.length).toBeGreaterThan(0);
      for (const font of pdf.fonts) expect(font).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(pdf.allFontsEmbedded).toBe(true);
    });
  }

  it('prints the course, hours, date, competencies with codes and titles, issuer, code and address, in the course language', async () => {
    const ctx = createTestApp();
    const { code, pdf } = await ownerPdf(ctx, 'Анна Иванова', RU_COURSE);
    const course = sampleCourse(ctx, RU_COURSE);
    const text = pdf.lines.join('\n');
    expect(text).toContain('Сертификат о прохождении курса');
    expect(text).toContain(`Объём обучения: ${course.hours} часов`);
    expect(text).toContain('5 марта 2025 г.');
    expect(text).toContain(ctx.config.issuerName);
    expect(text).toContain(formatCode(code));
    expect(text.replace(/\n/g, '')).toContain(`${ctx.config.baseUrl}/certificates/${code}`);
    for (const c of course.competencies) {
      expect(pdf.lines).toContain(c);
      expect(text.replace(/\n/g, ' ')).toContain(competencyByCode(c)?.titleRu);
    }
    expect(text.replace(/\n/g, ' ')).toContain(course.title);
  });

  it('uses English labels for an English course', async () => {
    const ctx = createTestApp();
    const { pdf } = await ownerPdf(ctx, 'Máret Ánte Sárá', EN_COURSE);
    expect(pdf.lines).toContain('Certificate of Completion');
    expect(pdf.lines).toContain('5 March 2025');
  });

  it('stamps a revoked certificate REVOKED', async () => {
    const ctx = createTestApp();
    const { user, agent } = await userAgent(ctx);
    const code = certify(ctx, user.id);
    revokeCertificate(ctx.db, code, { reason: 'x', now: Date.now() });
    const res = await getPdf(agent, code);
    expect(readPdf(res.body as Buffer).lines).toContain('REVOKED');
  });

  it('fails the text check when the text is not there (the reader is not fooled)', async () => {
    const pdf = await renderCertificatePdf(
      {
        code: 'ABCDE23456',
        learnerName: 'Someone Else',
        courseTitle: 'A course',
        courseLanguage: 'en',
        hours: 1,
        competencies: [],
        issuerName: 'Issuer',
        issuedAt: 0,
        status: 'valid',
      },
      { baseUrl: 'http://localhost:3000', compress: false },
    );
    const facts = readPdf(pdf);
    expect(facts.lines).toContain('Someone Else');
    expect(facts.lines).toContain('Study time: 1 hour');
    expect(facts.lines).not.toContain('Máret Ánte Sárá');
  });
});
