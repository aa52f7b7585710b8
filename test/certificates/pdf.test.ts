import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formatCode } from '../../server/certificates/code.ts';
import { issueCertificate, revokeCertificate } from '../../server/certificates/issue.ts';
import { renderCertificatePdf } from '../../server/certificates/pdf.ts';
import { issuerNameFor } from '../../server/config.ts';
import { certificates, enrolments } from '../../server/db/schema.ts';
import { competencyByCode } from '../../server/framework/ict-cft.ts';
import { binaryBody, createTestApp, makeUser, type TestContext, testConfig, userAgent } from '../helpers.ts';
import { certify, EN_COURSE, makeCohort, RU_COURSE, sampleCourse } from './fixtures.ts';
import { readPdfMetadata } from './pdf-metadata.ts';
import { readPdf } from './pdf-text.ts';

async function getPdf(agent: ReturnType<typeof request.agent>, code: string) {
  return agent.get(`/certificates/${code}.pdf`).buffer(true).parse(binaryBody);
}

async function ownerPdf(ctx: TestContext, name: string, slug = EN_COURSE) {
  const { user, agent } = await userAgent(ctx, { name });
  const code = await certify(ctx, user.id, slug, Date.UTC(2025, 2, 5, 10));
  const res = await getPdf(agent, code);
  return { code, res, pdf: readPdf(res.body as Buffer) };
}

describe('GET /certificates/:code.pdf access', () => {
  it('gives the owner the PDF inline with a file name', async () => {
    const ctx = await createTestApp();
    const { code, res } = await ownerPdf(ctx, 'Anna Ivanova');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="certificate-${formatCode(code)}.pdf"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('answers 404 to another teacher, as for a certificate they cannot see', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const { agent } = await userAgent(ctx);
    expect((await agent.get(`/certificates/${code}.pdf`)).status).toBe(404);
  });

  it('gives it to the trainer of the learner’s cohort, but not to a trainer of another cohort', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const theirs = await userAgent(ctx, { roles: ['trainer'] });
    const other = await userAgent(ctx, { roles: ['trainer'] });
    await makeCohort(ctx, theirs.user.id, [learner.id]);
    await makeCohort(ctx, other.user.id, []);
    const res = await getPdf(theirs.agent, code);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect((await other.agent.get(`/certificates/${code}.pdf`)).status).toBe(404);
  });

  it('gives it to an administrator', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    const res = await getPdf(agent, code);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
  });

  it('sends a visitor to sign in and back', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    const res = await request(ctx.app).get(`/certificates/${code}.pdf`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/certificates/${code}.pdf`)}`);
  });

  it('answers 404 for an unknown code', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent } = await userAgent(ctx, { roles: ['admin'] });
    expect((await agent.get('/certificates/ZZZZZZZZZZ.pdf')).status).toBe(404);
  });
});

describe('certificate PDF content', () => {
  for (const name of ['Анна Иванова', 'Máret Ánte Sárá', 'Łukasz Żółć', 'Áŋŋá Čđŧž Ŋuorra']) {
    it(`holds the name ${name} as extractable text in embedded DejaVu Sans`, async () => {
      const ctx = await createTestApp();
      const { pdf } = await ownerPdf(ctx, name);
      expect(pdf.lines).toContain(name);
      expect(pdf.fonts.length).toBeGreaterThan(0);
      for (const font of pdf.fonts) expect(font).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(pdf.allFontsEmbedded).toBe(true);
    });
  }

  it('prints the course, hours, date, competencies with codes and titles, issuer, code and address, in the course language', async () => {
    const ctx = await createTestApp();
    const { code, pdf } = await ownerPdf(ctx, 'Анна Иванова', RU_COURSE);
    const course = await sampleCourse(ctx, RU_COURSE);
    const text = pdf.lines.join('\n');
    const flat = pdf.lines.join(' ').replace(/\s+/g, ' '); // as read aloud: wrapped lines joined
    expect(text).toContain('Сертификат о прохождении курса');
    expect(text).toContain(`Объём обучения: ${course.hours} часов`);
    expect(text).toContain('5 марта 2025 г.');
    expect(text).toContain(ctx.config.issuerName);
    expect(text).toContain(formatCode(code));
    expect(text.replace(/\n/g, '')).toContain(`${ctx.config.baseUrl}/certificates/${code}`);
    for (const c of course.competencies) {
      expect(pdf.lines).toContain(c);
      expect(flat).toContain(competencyByCode(c)?.titleRu);
    }
    expect(flat).toContain(course.title);
  });

  it('prints a code of the widest letters whole, on one line', async () => {
    const ctx = await createTestApp();
    const { user, agent } = await userAgent(ctx, { name: 'Анна Иванова' });
    const issued = await certify(ctx, user.id, RU_COURSE, Date.UTC(2025, 2, 5, 10));
    // Random codes made this fail now and then: a wide one was wrapped at its hyphen.
    const wide = 'WMWMWMWMWM';
    await ctx.db.update(certificates).set({ code: wide }).where(eq(certificates.code, issued));
    const pdf = readPdf((await getPdf(agent, wide)).body as Buffer);
    expect(pdf.lines).toContain(formatCode(wide));
  });

  it('uses English labels for an English course', async () => {
    const ctx = await createTestApp();
    const { pdf } = await ownerPdf(ctx, 'Máret Ánte Sárá', EN_COURSE);
    expect(pdf.lines).toContain('Certificate of Completion');
    expect(pdf.lines).toContain('5 March 2025');
  });

  it('stamps a revoked certificate REVOKED', async () => {
    const ctx = await createTestApp();
    const { user, agent } = await userAgent(ctx);
    const code = await certify(ctx, user.id);
    await revokeCertificate(ctx.db, code, { reason: 'x', now: Date.now() });
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

describe('certificate PDF in the course language', () => {
  const env = { ISSUER_NAME: 'Arctic Teacher Institute', ISSUER_NAME_RU: 'Арктический институт учителей' };

  /** Completes a course and issues its certificate as the platform does: issueCertificate picks the issuer's name by the course's language. */
  async function issuedPdf(slug: string) {
    const ctx = await createTestApp({ env });
    const { user, agent } = await userAgent(ctx, { name: 'Анна Иванова' });
    const course = await sampleCourse(ctx, slug);
    const now = Date.UTC(2025, 2, 5, 10);
    const issued = await ctx.db.transaction(async (tx) => {
      await tx.insert(enrolments).values({ userId: user.id, courseId: course.id, enrolledAt: now - 86_400_000, completedAt: now, lastActivityAt: now });
      return issueCertificate(tx, { userId: user.id, courseId: course.id, issuerName: ctx.config.issuerName, issuerNameRu: ctx.config.issuerNameRu, now });
    });
    const res = await getPdf(agent, issued!.code);
    expect(res.status).toBe(200);
    return { course, pdf: res.body as Buffer };
  }

  it('prints a Russian course’s heading, wording and issuer in Russian, and nothing of the English certificate', async () => {
    const { pdf } = await issuedPdf(RU_COURSE);
    const { lines } = readPdf(pdf);
    const flat = lines.join(' ');
    expect(lines).toContain('Сертификат о прохождении курса');
    expect(lines).toContain('АРКТИЧЕСКИЙ ИНСТИТУТ УЧИТЕЛЕЙ'); // the heading above the title
    expect(lines).toContain('Арктический институт учителей'); // beside “Кем выдан”
    expect(lines).toContain('Кем выдан');
    for (const english of ['Certificate of Completion', 'This is to certify that', 'Issued by', 'Arctic Teacher Institute', 'ARCTIC TEACHER INSTITUTE']) {
      expect(flat).not.toContain(english);
    }
    expect(flat).toContain('«Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3» (ИИТО ЮНЕСКО, 2019)');
  });

  it('keeps the English issuer name for an English course', async () => {
    const { pdf } = await issuedPdf(EN_COURSE);
    const { lines } = readPdf(pdf);
    expect(lines).toContain('Certificate of Completion');
    expect(lines).toContain('Arctic Teacher Institute');
    expect(lines.join(' ')).not.toContain('Арктический');
  });

  it('tags the PDF with its language and title for screen readers, the text as structure', async () => {
    const { course, pdf } = await issuedPdf(RU_COURSE);
    const meta = readPdfMetadata(pdf);
    expect(meta.lang).toBe('ru');
    expect(meta.title).toBe(`Сертификат: ${course.title} — Анна Иванова`);
    expect(meta.displayTitle).toBe(true);
    expect(meta.marked).toBe(true);
    expect(meta.structure).toEqual(expect.arrayContaining(['Document', 'H1', 'H2', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Link', 'Figure']));
    for (const once of ['Document', 'H1']) expect(meta.structure.filter((type) => type === once)).toHaveLength(1);
    const english = readPdfMetadata((await issuedPdf(EN_COURSE)).pdf);
    expect(english.lang).toBe('en');
    expect(english.title).toMatch(/^Certificate: .+ — Анна Иванова$/);
  });
});

describe('issuerNameFor', () => {
  it('names the issuer in Russian for a Russian course when ISSUER_NAME_RU is set, else uses ISSUER_NAME', () => {
    const both = testConfig({ ISSUER_NAME: 'Arctic Teacher Institute', ISSUER_NAME_RU: 'Арктический институт учителей' });
    expect(issuerNameFor(both, 'ru')).toBe('Арктический институт учителей');
    expect(issuerNameFor(both, 'ru-RU')).toBe('Арктический институт учителей');
    expect(issuerNameFor(both, 'en')).toBe('Arctic Teacher Institute');
    const englishOnly = testConfig({ ISSUER_NAME: 'Arctic Teacher Institute' });
    expect(issuerNameFor(englishOnly, 'ru')).toBe('Arctic Teacher Institute');
  });
});

describe('certificate PDFs rendered one after another in one process', () => {
  // A parsed font shared between documents once lost glyphs after a few certificates: a letter of
  // the verification code (and of its address) went missing, in the PDF itself, not only here.
  it('print every letter of every code', async () => {
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const missing: string[] = [];
    for (let i = 0; i < 25; i++) {
      const code = Array.from({ length: 10 }, (_, k) => letters[(i * 7 + k * 13 + k * k * i) % letters.length]).join('');
      const pdf = await renderCertificatePdf(
        {
          code,
          learnerName: 'Анна Иванова',
          courseTitle: 'Преподавание в Арктике с ИКТ',
          courseLanguage: 'ru',
          hours: 20,
          competencies: ['KD.2', 'KC.2', 'KD.3', 'KC.3', 'KA.4', 'KD.4', 'KC.4', 'KD.5', 'KD.6', 'KC.6'],
          issuerName: 'ICT-CFT Teacher Platform',
          issuedAt: Date.UTC(2025, 2, 5),
          status: { state: 'valid' } as never,
        },
        { baseUrl: 'http://localhost:3000' },
      );
      const lines = readPdf(pdf).lines;
      // The code on a line of its own, and in the address (which may wrap before it).
      if (!lines.includes(formatCode(code)) || !lines.some((l) => l.endsWith(code))) missing.push(code);
    }
    expect(missing).toEqual([]);
  });
});
