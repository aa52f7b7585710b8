import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORK } from '../../server/framework/ict-cft.ts';
import { neutraliseFormula } from '../../server/http/spreadsheet.ts';
import { adminAgent, buildFixture, EVIL_SCHOOL, type Fixture, pageGroups, pageSummary } from './fixtures.ts';
import { fromCsv, fromJson, fromXlsx, readWorkbook, type Report, sheetRows } from './export-readers.ts';

describe('GET /admin/reports/compliance?format=csv|xlsx|json', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  for (const query of ['group=school', 'region=Yakutia&group=school&sort=KA.4&dir=desc', 'from=2024-01-01&to=2024-03-31&group=region']) {
    it(`states the same figures as the page: ${query}`, async () => {
      const page = await f.admin.get(`/admin/reports/compliance?${query}`);
      const expected: Report = { ...pageSummary(page.text), groups: pageGroups(page.text) };
      expect(expected.groups.size).toBeGreaterThan(0);

      const csv = await f.admin.get(`/admin/reports/compliance?${query}&format=csv`);
      const json = await f.admin.get(`/admin/reports/compliance?${query}&format=json`);
      const xlsx = await f.admin.get(`/admin/reports/compliance?${query}&format=xlsx`).responseType('blob');
      const workbook = await readWorkbook(xlsx.body);

      const fromPage = { ...expected, groups: [...expected.groups.entries()] };
      for (const report of [fromCsv(parse(csv.text, { bom: true, relax_column_count: true })), fromJson(json.body), fromXlsx(workbook)]) {
        expect({ ...report, groups: [...report.groups.entries()] }).toEqual(fromPage);
      }
    });
  }

  it('streams CSV as UTF-8 with a byte-order mark, as a dated attachment that is never cached', async () => {
    const res = await f.admin.get('/admin/reports/compliance?format=csv').responseType('blob');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="ict-cft-compliance-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body: Buffer = res.body;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).toMatch(/"Generated at","\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/);
    expect(text).toContain(FRAMEWORK.citation);
    expect(text).toContain(`"Licence","CC BY-SA 3.0 IGO","${FRAMEWORK.licence.url}"`);
    expect(text).toContain('"Filters","None (every teacher)"');
  });

  it('writes the report in the reader’s language, separated by ; as Excel in Russian expects', async () => {
    // Its own agent: ?lang=ru leaves a cookie that would turn the other tests Russian.
    const res = await (await adminAgent(f.ctx)).get('/admin/reports/compliance?format=csv&lang=ru');
    expect(res.text).toContain('"Учтено учителей";5');
    expect(res.text).toContain('"KA.1";"Понимание политики";4;80');
  });

  it('neutralises a school name that is a formula, in CSV and XLSX', async () => {
    const csv = parse((await f.admin.get('/admin/reports/compliance?group=school&format=csv')).text, { bom: true, relax_column_count: true }) as string[][];
    expect(csv.map((r) => r[0])).toContain(`'${EVIL_SCHOOL}`);
    expect(csv.map((r) => r[0])).not.toContain(EVIL_SCHOOL);

    const xlsx = await f.admin.get('/admin/reports/compliance?group=school&format=xlsx').responseType('blob');
    const workbook = await readWorkbook(xlsx.body);
    const groupNames = sheetRows(workbook.getWorksheet('Groups')!).map((r) => r[0]);
    expect(groupNames).toContain(`'${EVIL_SCHOOL}`);
    const teacherSchools = sheetRows(workbook.getWorksheet('Teachers')!).map((r) => r[2]);
    expect(teacherSchools).toContain(`'${EVIL_SCHOOL}`);
    expect(teacherSchools).not.toContain(EVIL_SCHOOL);
  });

  it('builds a workbook of Summary, Groups and Teachers sheets with frozen header rows', async () => {
    const res = await f.admin.get('/admin/reports/compliance?format=xlsx').responseType('blob');
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = await readWorkbook(res.body);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Groups', 'Teachers']);
    for (const sheet of workbook.worksheets) expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const summary = sheetRows(workbook.getWorksheet('Summary')!);
    expect(summary[0]).toEqual(['Aspect', 'KA Knowledge Acquisition', '%', 'KD Knowledge Deepening', '%', 'KC Knowledge Creation', '%']);
    expect(summary.flat()).toContain(FRAMEWORK.citation);
    // Teachers: header + Anna, Boris, Clara, Dmitri, Erik (id order), 5 + 18 + 18 columns.
    const teachers = sheetRows(workbook.getWorksheet('Teachers')!);
    expect(teachers).toHaveLength(6);
    expect(teachers[0]).toHaveLength(59);
    expect(teachers[1]!.slice(0, 2)).toEqual(['Anna', 'anna@example.org']);
    expect(teachers[1]![5]).toBe('2024-02-01'); // KA.1: the earlier of her two pieces of evidence
    expect(teachers[1]![5 + 18]).toBe('Why media and information literacy matters');
  });

  it('answers JSON with the metadata every report states', async () => {
    const res = await f.admin.get(`/admin/reports/compliance?format=json&cohort=${f.cohortIds.arctic}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.metadata).toMatchObject({
      teachers: 3,
      filters: [{ field: 'cohort', label: 'Cohort', value: 'Arctic' }],
      framework: { version: '3', citation: FRAMEWORK.citation, licence: 'CC BY-SA 3.0 IGO', licenceUrl: FRAMEWORK.licence.url },
    });
    expect(res.body.metadata.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(res.body.summary).toHaveLength(18);
    expect(res.body.levels.map((l: { code: string }) => l.code)).toEqual(['KA', 'KD', 'KC']);
  });
});

describe('neutraliseFormula', () => {
  it('prefixes a quote to text starting with = + - @, a tab or a carriage return', () => {
    for (const text of ['=1+1', '+7 999 123', '-2', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it('leaves other text alone', () => {
    for (const text of ['', 'North School', 'a=b', ' =1', '2024-01-01', "'quoted"]) expect(neutraliseFormula(text)).toBe(text);
  });
});
