import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { cohorts } from '../../server/db/schema.ts';
import { filterSchema } from '../../server/reports/schemas.ts';
import { teacherChunks } from '../../server/reports/teachers.ts';
import { buildFixture, EVIL_SCHOOL, type Fixture } from './fixtures.ts';

// Module titles of the sample courses the fixture's evidence points at.
const WHY_MIL = 'Why media and information literacy matters';
const ACROSS = 'ICT across the curriculum';

describe('GET /admin/reports/compliance/teachers', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  it('lists the selected teachers by name with the date and module of their first evidence', async () => {
    const res = await f.admin.get('/admin/reports/compliance/teachers?region=Yakutia');
    expect(res.status).toBe(200);
    const rows = [...res.text.matchAll(/<tr data-teacher="\d+">\s*<th scope="row" class="sticky-col">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(rows).toEqual(['Anna', 'Boris', 'Clara']);
    // Anna's KA.1: 1 Feb 2024 from "Why media…" beats 1 Mar 2024 from "ICT across the curriculum";
    // the date in the reader's language, the module in text (not a tooltip).
    expect(res.text).toContain(
      `data-code="KA.1" data-standing="demonstrated"><time datetime="2024-02-01">1 February 2024</time> <span class="evidence-module">${WHY_MIL}</span>`,
    );
    expect(res.text).toContain('anna@example.org');
    expect(res.text).toContain('Teachers counted</dt><dd data-teachers="3">3</dd>');
    expect(res.text).toContain('Region: Yakutia');
    expect(res.text).toContain('CC BY-SA 3.0 IGO');
  });

  it('applies the date range to the first evidence shown', async () => {
    const res = await f.admin.get('/admin/reports/compliance/teachers?region=Yakutia&from=2024-03-01');
    // From 1 March, Anna's first KA.1 is the 1 March evidence, from the other module.
    expect(res.text).toContain(
      `data-code="KA.1" data-standing="demonstrated"><time datetime="2024-03-01">1 March 2024</time> <span class="evidence-module">${ACROSS}</span>`,
    );
  });

  it('sends the table fragment to htmx', async () => {
    const res = await f.admin.get('/admin/reports/compliance/teachers?school=South%20School').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.text.trim()).toMatch(/^<div id="teacher-results">/);
    expect(res.text).toContain('Clara');
    expect(res.text).not.toContain('Anna');
  });

  it('answers 422 for invalid filters', async () => {
    const res = await f.admin.get('/admin/reports/compliance/teachers?to=31-12-2024');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a date as YYYY-MM-DD.');
  });
});

describe('GET /admin/reports/compliance?format=csv&detail=teachers', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  it('has one row per teacher: 18 first-evidence dates, 18 source modules, then 18 standings', async () => {
    const res = await f.admin.get('/admin/reports/compliance?format=csv&detail=teachers');
    expect(res.headers['content-disposition']).toMatch(/filename="ict-cft-compliance-teachers-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(res.text, { bom: true, relax_column_count: true }) as string[][];
    expect(rows.find((r) => r[0] === 'Teachers counted')?.[1]).toBe('5');
    expect(rows.find((r) => r[0] === 'Citation')?.[1]).toContain('ISBN 978-92-3-100285-4');
    const headerAt = rows.findIndex((r) => r[0] === 'Name');
    const header = rows[headerAt]!;
    expect(header).toHaveLength(5 + 18 + 18 + 18);
    expect(header.slice(0, 6)).toEqual(['Name', 'Email', 'School', 'Region', 'Country', 'KA.1 first evidence']);
    expect(header[5 + 18]).toBe('KA.1 source module');
    expect(header[5 + 36]).toBe('KA.1 standing');
    const body = rows.slice(headerAt + 1);
    // Every teacher once (not Xenia, not the admin), in id order.
    expect(body.map((r) => r[0])).toEqual(['Anna', 'Boris', 'Clara', 'Dmitri', 'Erik']);
    const col = (code: string) => header.indexOf(`${code} first evidence`);
    const src = (code: string) => header.indexOf(`${code} source module`);
    const anna = body[0]!;
    expect([anna[col('KA.1')], anna[src('KA.1')], anna[header.indexOf('KA.1 standing')]]).toEqual(['2024-02-01', WHY_MIL, 'demonstrated']);
    expect(anna[header.indexOf('KC.1 standing')]).toBe('');
    expect(anna[col('KA.2')]).toBe('2024-03-31');
    expect(anna[col('KD.1')]).toBe('2024-06-15');
    expect(anna[col('KC.1')]).toBe('');
    expect(body[2]!.slice(5).every((cell) => cell !== '')).toBe(true); // Clara holds all 18
    expect(body[3]![2]).toBe(`'${EVIL_SCHOOL}`); // neutralised
    expect(body[4]!.slice(5, 23).filter(Boolean)).toEqual(['2024-04-01']); // Erik: KC.1 only
  });

  it('applies the filters and the date range', async () => {
    const res = await f.admin.get(`/admin/reports/compliance?format=csv&detail=teachers&course=${f.primaryCourseId}&to=2024-01-31`);
    const rows = parse(res.text, { bom: true, relax_column_count: true }) as string[][];
    const headerAt = rows.findIndex((r) => r[0] === 'Name');
    const body = rows.slice(headerAt + 1);
    // Enrolled: Anna, Clara, Dmitri. Until 31 Jan 2024 only Dmitri's KA.1 (1 Jan) counts.
    expect(body.map((r) => r[0])).toEqual(['Anna', 'Clara', 'Dmitri']);
    expect(body.map((r) => r.slice(5, 23).filter(Boolean).length)).toEqual([0, 0, 1]);
    expect(rows.find((r) => r[0] === 'Teachers counted')?.[1]).toBe('3');
  });
});

describe('teacherChunks', () => {
  it('yields every teacher once in chunks and leaves the connection free between them', async () => {
    const f = await buildFixture();
    const seen: string[][] = [];
    for await (const chunk of teacherChunks(f.ctx.db, filterSchema.parse({}), 2)) {
      seen.push(chunk.map((t) => t.name));
      // A write while the export waits for a slow client must not fail with "connection is busy".
      await f.ctx.db.insert(cohorts).values({ name: `during export ${seen.length}`, startDate: '2024-01-01', createdAt: 0 });
    }
    expect(seen).toEqual([['Anna', 'Boris'], ['Clara', 'Dmitri'], ['Erik']]);
  });
});
