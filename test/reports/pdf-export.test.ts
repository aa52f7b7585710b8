import { beforeAll, describe, expect, it } from 'vitest';
import { pdfObjects, readPdf } from '../certificates/pdf-text.ts';
import { binaryBody } from '../helpers.ts';
import { adminAgent, buildFixture, EVIL_SCHOOL, type Fixture } from './fixtures.ts';

// The compliance report as a PDF: what the page says, in the certificates' fonts, on A4 landscape.

async function pdfOf(agent: Fixture['admin'], query: string) {
  const res = await agent.get(`/admin/reports/compliance?${query}`).buffer(true).parse(binaryBody);
  return { res, body: res.body as Buffer };
}

/** Every page's MediaBox, as [width, height] in points. */
function pageSizes(pdf: Buffer): number[][] {
  return [...pdfObjects(pdf).values()]
    .filter((o) => /\/Type \/Page\b/.test(o.dict))
    .map((o) => (/\/MediaBox \[([^\]]+)\]/.exec(o.dict)?.[1] ?? '').trim().split(/\s+/).map(Number).slice(2).map(Math.round));
}

describe('GET /admin/reports/compliance?format=pdf', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  it('is an A4 landscape download in embedded fonts, stating filters, population, citation and every group', async () => {
    const { res, body } = await pdfOf(f.admin, 'country=Russia&group=school&format=pdf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="ict-cft-compliance-\d{4}-\d{2}-\d{2}\.pdf"$/);
    const sizes = pageSizes(body);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toEqual([842, 595]);
    const facts = readPdf(body);
    expect(facts.allFontsEmbedded).toBe(true);
    expect(facts.fonts.every((name) => name.includes('DejaVuSans'))).toBe(true);
    const text = facts.lines.join('\n');
    expect(text).toContain('ICT-CFT compliance report');
    expect(text).toContain('Country: Russia');
    expect(text).toMatch(/Generated at: \n?\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC/);
    // Teachers counted: Anna, Boris, Clara and Dmitri (Erik is in Norway).
    expect(facts.lines).toContain('Teachers counted: ');
    expect(facts.lines[facts.lines.indexOf('Teachers counted: ') + 1]).toBe('4');
    expect(text).toContain('Trainers and administrators are left out');
    expect(text).toContain('ISBN 978-92-3-100285-4');
    expect(text).toContain('CC BY-SA 3.0 IGO');
    for (const name of ['North School', 'South School']) expect(facts.lines, name).toContain(name);
    // A name longer than its column wraps onto more lines (and stays text, never a formula).
    expect(facts.lines.join('')).toContain(EVIL_SCHOOL);
    expect(text).not.toContain('Fjord School');
    // All 18 competencies, by level, in the group table's header.
    for (const code of ['KA.1', 'KA.6', 'KD.1', 'KD.6', 'KC.1', 'KC.6']) expect(facts.lines).toContain(code);
  });

  it('states the same figures as the page for a group', async () => {
    const page = (await f.admin.get('/admin/reports/compliance?group=school')).text;
    const row = page
      .split('<tr data-group=')
      .slice(1)
      .find((r) => />\s*North School\b/.test(r))!;
    const north = [row, /data-teachers="(\d+)"/.exec(row)![1]] as const;
    const onPage = (code: string) => /data-count="(\d+)" data-percent="([\d.]+)">([^<]+)</.exec(north[0].slice(north[0].indexOf(`data-code="${code}"`)))!;
    const { lines } = readPdf((await pdfOf(f.admin, 'group=school&format=pdf')).body);
    const at = lines.indexOf('North School');
    expect(at).toBeGreaterThan(0);
    // After the name: teachers, then for each competency (KA.1-6, KD.1-6, KC.1-6) its percentage and count.
    expect(lines[at + 1]).toBe(north[1]);
    const column = (code: string) => ['KA', 'KD', 'KC'].indexOf(code.slice(0, 2)) * 6 + Number(code.slice(3)) - 1;
    for (const code of ['KA.1', 'KD.1', 'KC.6']) {
      const [, count, , shown] = onPage(code);
      expect(lines[at + 2 + 2 * column(code)], code).toBe(shown!.trim());
      expect(lines[at + 3 + 2 * column(code)], code).toBe(count);
    }
    expect(lines[at + 2]).toBe('100%');
  });

  it('speaks Russian to a Russian reader', async () => {
    const { body } = await pdfOf(await adminAgent(f.ctx), 'lang=ru&format=pdf');
    const text = readPdf(body).lines.join('\n');
    expect(text).toContain('Отчёт о соответствии');
    expect(text).toContain('Учтено учителей');
    expect(text).toMatch(/\d{4} г\. в \d{2}:\d{2} UTC/);
    expect(text).toContain('Получение знаний');
  });

  it('answers 422 for invalid filters, writing no PDF', async () => {
    const res = await f.admin.get('/admin/reports/compliance?format=pdf&from=2024-02-30');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).not.toContain('pdf');
  });

  it('is for administrators only', async () => {
    const { userAgent } = await import('../helpers.ts');
    const { agent } = await userAgent(f.ctx, { roles: ['trainer'] });
    const res = await agent.get('/admin/reports/compliance?format=pdf');
    expect(res.status).toBe(403);
  });
});
