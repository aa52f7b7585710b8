import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { programmeCourses, programmes } from '../../server/db/schema.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { binaryBody, createTestApp, type TestContext, userAgent } from '../helpers.ts';
import { adminAgent } from './fixtures.ts';
import { readPdf } from '../certificates/pdf-text.ts';

// The comparison is recomputed here from the catalogue (modules, minutes, competencies) and
// checked against the page and every export.

describe('/admin/reports/programmes', () => {
  let ctx: TestContext;
  let admin: Awaited<ReturnType<typeof adminAgent>>;
  let ids: { primary: number; mil: number; arctic: number };
  beforeAll(async () => {
    ctx = await createTestApp();
    admin = await adminAgent(ctx);
    const catalogue = await getCatalogue(ctx.db);
    ids = {
      primary: catalogue.course('ict-primary-education')!.id,
      mil: catalogue.course('media-information-literacy')!.id,
      arctic: catalogue.course('arctic-teaching-ict')!.id,
    };
  });

  /** Hours per competency of a set of courses, straight from the catalogue. */
  async function expectedHours(courseIds: number[]): Promise<Map<string, number>> {
    const catalogue = await getCatalogue(ctx.db);
    const out = new Map<string, number>(COMPETENCIES.map((c) => [c.code, 0]));
    for (const id of courseIds) for (const m of catalogue.courseById(id)!.modules) for (const code of m.competencies) out.set(code, out.get(code)! + m.minutes);
    return new Map([...out].map(([code, minutes]) => [code, Math.round((minutes / 60) * 10) / 10]));
  }

  const hoursOnPage = (page: string, item: string) => {
    const html = page.slice(page.indexOf('class="data-table coverage-table"'), page.indexOf('</table>', page.indexOf('coverage-table')));
    const columns = [...html.matchAll(/<th scope="col" data-item="([^"]+)"/g)].map((m) => m[1]);
    const col = columns.indexOf(item);
    const out = new Map<string, number>();
    for (const row of html.matchAll(/<tr>\s*<th scope="row">(K[ADC]\.\d)[\s\S]*?<\/tr>/g)) {
      const cells = [...row[0].matchAll(/data-code="[^"]+" data-hours="([\d.]+)"/g)].map((m) => Number(m[1]));
      out.set(row[1]!, cells[col]!);
    }
    return out;
  };

  it('shows each course against the 18 competencies: hours, modules and evidence, gaps marked', async () => {
    const res = await admin.get(`/admin/reports/programmes?items=course-${ids.primary}&items=course-${ids.arctic}`);
    expect(res.status).toBe(200);
    for (const id of [ids.primary, ids.arctic]) {
      const expected = await expectedHours([id]);
      expect(hoursOnPage(res.text, `course-${id}`)).toEqual(expected);
    }
    const gaps = [...(await expectedHours([ids.primary]))].filter(([, h]) => h === 0).length;
    expect(gaps).toBeGreaterThan(0);
    expect(res.text).toContain(`${18 - gaps} of 18 competencies`);
    expect(res.text).toContain('✕ </span>Gap');
    expect(res.text).toContain('quiz');
    // The journal module's assignment is assessed work for its KD/KC competencies; its KA ones only a quiz.
    expect(res.text).toMatch(/Your personal course journal \(\d+ min, assessed work, quiz\)/);
    expect(res.text).toContain('<th scope="colgroup" colspan="3">KA · Knowledge Acquisition</th>');
  });

  it('makes a programme of several courses, compares it with its parts, and keeps it', async () => {
    const created = await admin
      .post('/admin/reports/programmes')
      .type('form')
      .send({ name: 'Arctic schools 2026', description: 'Two courses', courses: [String(ids.primary), String(ids.arctic)] });
    expect(created.status).toBe(303);
    const [row] = await ctx.db.select().from(programmes).where(eq(programmes.name, 'Arctic schools 2026'));
    expect(row).toBeDefined();
    expect((await ctx.db.select().from(programmeCourses).where(eq(programmeCourses.programmeId, row!.id))).map((r) => r.courseId).sort()).toEqual(
      [ids.primary, ids.arctic].sort(),
    );
    const page = await admin.get(created.headers.location!);
    expect(hoursOnPage(page.text, `programme-${row!.id}`)).toEqual(await expectedHours([ids.primary, ids.arctic]));

    const csv = await admin.get(`/admin/reports/programmes?items=programme-${row!.id}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('Arctic schools 2026: hours');
    const ka1 = (await expectedHours([ids.primary, ids.arctic])).get('KA.1');
    expect(csv.text).toMatch(new RegExp(`"KA\\.1 Policy Understanding",${ka1}`));

    const xlsx = await admin.get(`/admin/reports/programmes?items=programme-${row!.id}&format=xlsx`).buffer(true).parse(binaryBody);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ExcelJS.Buffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(2).getCell(1).value).toBe('KA.1 Policy Understanding');
    expect(Number(sheet.getRow(2).getCell(2).value)).toBe(ka1);

    const pdf = await admin.get(`/admin/reports/programmes?items=programme-${row!.id}&format=pdf`).buffer(true).parse(binaryBody);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const facts = readPdf(pdf.body as Buffer);
    expect(facts.allFontsEmbedded).toBe(true);
    const text = facts.lines.join('\n');
    expect(text).toContain('Programme compliance analysis');
    expect(text).toContain('Arctic schools 2026');
    expect(text).toContain('UNESCO ICT Competency Framework for Teachers');
  });

  it('refuses a programme without a name or courses, or with an unknown course, writing nothing', async () => {
    const before = (await ctx.db.select().from(programmes)).length;
    const empty = await admin.post('/admin/reports/programmes').type('form').send({ name: ' ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('field-error');
    const unknown = await admin.post('/admin/reports/programmes').type('form').send({ name: 'X', courses: '999999' });
    expect(unknown.status).toBe(422);
    expect((await ctx.db.select().from(programmes)).length).toBe(before);
  });

  it('answers 404 for programmes that do not exist and only administrators may see or change any', async () => {
    expect((await admin.get('/admin/reports/programmes?items=programme-999999')).status).toBe(404);
    expect(
      (
        await admin
          .post('/admin/reports/programmes/999999')
          .type('form')
          .send({ name: 'X', courses: String(ids.mil) })
      ).status,
    ).toBe(404);
    expect((await admin.post('/admin/reports/programmes/999999/delete')).status).toBe(404);
    const { agent: trainer } = await userAgent(ctx, { roles: ['trainer'] });
    expect((await trainer.get('/admin/reports/programmes')).status).toBe(403);
    expect(
      (
        await trainer
          .post('/admin/reports/programmes')
          .type('form')
          .send({ name: 'X', courses: String(ids.mil) })
      ).status,
    ).toBe(403);
  });
});
