import { beforeAll, describe, expect, it } from 'vitest';
import { complianceCounts } from '../../server/reports/queries.ts';
import { filterSchema } from '../../server/reports/schemas.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { adminAgent, buildFixture, EVIL_SCHOOL, expected, type Fixture, pageGroups, pageSummary } from './fixtures.ts';

// Figures worked out by hand from the population described in fixtures.ts.

describe('GET /admin/reports/compliance', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildFixture();
  });

  it('counts every teacher once per competency, and no one who is not a teacher', async () => {
    const res = await f.admin.get('/admin/reports/compliance');
    expect(res.status).toBe(200);
    // 5 teachers (Anna, Boris, Clara, Dmitri, Erik; Xenia and the admin are not teachers).
    // KA.1: Anna (two rows, counted once), Boris, Clara, Dmitri = 4 -> 80%.
    // KA.2, KA.3: Anna, Boris, Clara = 3 -> 60%. KA.4-6, KD.1: Anna, Clara = 2 -> 40%.
    // KC.1: Clara, Erik = 2 -> 40%. Every other KD/KC: Clara = 1 -> 20%.
    // All 6 of KA: Anna and Clara = 2 (40%); of KD: Clara (20%); of KC: Clara (20%).
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(5);
    expect(figures).toEqual(
      expected(5, {
        'KA.1': 4,
        'KA.2': 3,
        'KA.3': 3,
        'KA.4': 2,
        'KA.5': 2,
        'KA.6': 2,
        'KD.1': 2,
        'KD.2': 1,
        'KD.3': 1,
        'KD.4': 1,
        'KD.5': 1,
        'KD.6': 1,
        'KC.1': 2,
        'KC.2': 1,
        'KC.3': 1,
        'KC.4': 1,
        'KC.5': 1,
        'KC.6': 1,
        KA: 2,
        KD: 1,
        KC: 1,
      }),
    );
    // Readable without colour: the count and the percentage are written in every cell.
    expect(res.text).toMatch(/<strong>80%<\/strong> <span class="small">4 of 5 teachers<\/span>/);
    expect(res.text).toContain('Policy Understanding');
    expect(res.text).toContain('Knowledge Acquisition');
    expect(res.text).toContain('Organization and Administration');
  });

  it('states when it was generated, the filters, the framework version and licence and the teachers counted', async () => {
    const res = await f.admin.get('/admin/reports/compliance?region=Yakutia');
    expect(res.text).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/);
    expect(res.text).toContain('Region: Yakutia');
    expect(res.text).toContain('UNESCO (2018). UNESCO ICT Competency Framework for Teachers, Version 3.');
    expect(res.text).toContain('href="https://creativecommons.org/licenses/by-sa/3.0/igo/"');
    expect(res.text).toContain('CC BY-SA 3.0 IGO');
    expect(res.text).toContain('Teachers counted</dt><dd data-teachers="3">3</dd>');
  });

  it('groups by school (the default)', async () => {
    const groups = pageGroups((await f.admin.get('/admin/reports/compliance?group=school')).text);
    // North School: Anna and Boris (Xenia is not a teacher). KA.1-3: both; KA.4-6 and KD.1: Anna only.
    expect(groups.get('North School')).toEqual({
      teachers: 2,
      figures: expected(2, { 'KA.1': 2, 'KA.2': 2, 'KA.3': 2, 'KA.4': 1, 'KA.5': 1, 'KA.6': 1, 'KD.1': 1, KA: 1 }),
    });
    // South School: Clara holds everything.
    expect(groups.get('South School')?.figures.KC).toEqual([1, 100]);
    expect(groups.get(EVIL_SCHOOL)).toEqual({ teachers: 1, figures: expected(1, { 'KA.1': 1 }) });
    expect(groups.get('Fjord School')).toEqual({ teachers: 1, figures: expected(1, { 'KC.1': 1 }) });
    expect(groups.size).toBe(4);
  });

  it('filters by region', async () => {
    const res = await f.admin.get('/admin/reports/compliance?region=Yakutia&group=school');
    // Anna, Boris, Clara: KA.1-3 all three; KA.4-6 and KD.1 Anna and Clara (66.7%); the rest Clara (33.3%).
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(3);
    expect(figures['KA.1']).toEqual([3, 100]);
    expect(figures['KA.4']).toEqual([2, 66.7]);
    expect(figures['KD.1']).toEqual([2, 66.7]);
    expect(figures['KC.1']).toEqual([1, 33.3]);
    expect(figures.KA).toEqual([2, 66.7]);
    expect([...pageGroups(res.text).keys()].sort()).toEqual(['North School', 'South School']);
  });

  it('counts only evidence inside the date range, both days included (UTC)', async () => {
    const res = await f.admin.get('/admin/reports/compliance?from=2024-01-01&to=2024-03-31&group=region');
    // Still 5 teachers: the range filters evidence, not teachers.
    // Anna: KA.1 (1 Feb) and KA.2-6 (31 Mar 23:59:59) count; KD.1 (15 Jun) does not.
    // Boris: 31 Dec 2023 and 5 May 2024, both outside. Clara: 10 Apr, outside.
    // Dmitri: KA.1 at 1 Jan 00:00, inside. Erik: KC.1 at 1 Apr 00:00, outside.
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(5);
    expect(figures).toEqual(expected(5, { 'KA.1': 2, 'KA.2': 1, 'KA.3': 1, 'KA.4': 1, 'KA.5': 1, 'KA.6': 1, KA: 1 }));
    const groups = pageGroups(res.text);
    expect(groups.get('Yakutia')).toEqual({ teachers: 3, figures: expected(3, { 'KA.1': 1, 'KA.2': 1, 'KA.3': 1, 'KA.4': 1, 'KA.5': 1, 'KA.6': 1, KA: 1 }) });
    expect(groups.get('Murmansk')).toEqual({ teachers: 1, figures: expected(1, { 'KA.1': 1 }) });
    expect(groups.get('Troms')).toEqual({ teachers: 1, figures: expected(1, {}) });
    expect(res.text).toContain('Only evidence dated within the chosen period counts');
  });

  it('with a course, counts the teachers enrolled in it and their evidence from any course', async () => {
    const res = await f.admin.get(`/admin/reports/compliance?course=${f.primaryCourseId}`);
    // Active enrolments: Anna, Clara, Dmitri (Boris withdrew). Dmitri's only evidence, KA.1,
    // comes from a Media and Information Literacy module and still counts: KA.1 = 3 of 3.
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(3);
    expect(figures['KA.1']).toEqual([3, 100]);
    expect(figures['KA.2']).toEqual([2, 66.7]);
    expect(figures['KD.2']).toEqual([1, 33.3]);
    expect([figures.KA, figures.KD, figures.KC]).toEqual([
      [2, 66.7],
      [1, 33.3],
      [1, 33.3],
    ]);
    expect(res.text).toContain('evidence from any course counts');
  });

  it('groups by cohort, a teacher counting in each of their cohorts', async () => {
    const groups = pageGroups((await f.admin.get('/admin/reports/compliance?group=cohort')).text);
    // Spring 2024: Anna, Boris. Arctic: Boris, Clara, Erik.
    expect(groups.get(String(f.cohortIds.spring))).toEqual({
      teachers: 2,
      figures: expected(2, { 'KA.1': 2, 'KA.2': 2, 'KA.3': 2, 'KA.4': 1, 'KA.5': 1, 'KA.6': 1, 'KD.1': 1, KA: 1 }),
    });
    const arctic = groups.get(String(f.cohortIds.arctic))!;
    expect(arctic.teachers).toBe(3);
    expect(arctic.figures['KA.1']).toEqual([2, 66.7]);
    expect(arctic.figures['KC.1']).toEqual([2, 66.7]);
    expect(arctic.figures.KA).toEqual([1, 33.3]);
  });

  it('filters by cohort', async () => {
    const res = await f.admin.get(`/admin/reports/compliance?cohort=${f.cohortIds.arctic}&group=cohort`);
    expect(pageSummary(res.text).teachers).toBe(3);
    expect([...pageGroups(res.text).keys()]).toEqual([String(f.cohortIds.arctic)]);
    expect(res.text).toContain('Cohort: Arctic');
  });

  it('sorts groups by a competency column with links, and back by name', async () => {
    const res = await f.admin.get('/admin/reports/compliance?group=school&sort=KC.1&dir=desc');
    // KC.1: Fjord 100% (1), South 100% (1), North 0%, HYPERLINK 0%; ties go by name.
    expect([...pageGroups(res.text).keys()]).toEqual(['Fjord School', 'South School', EVIL_SCHOOL, 'North School']);
    expect(res.text).toMatch(/aria-sort="descending"><a href="[^"]*sort=KC.1&amp;dir=asc/);
    const byName = await f.admin.get('/admin/reports/compliance?group=school&sort=name&dir=asc');
    expect([...pageGroups(byName.text).keys()]).toEqual([EVIL_SCHOOL, 'Fjord School', 'North School', 'South School']);
    const byTeachers = await f.admin.get('/admin/reports/compliance?group=school&sort=teachers&dir=desc');
    expect([...pageGroups(byTeachers.text).keys()][0]).toBe('North School');
  });

  it('sends only the results fragment to an htmx request', async () => {
    const res = await f.admin.get('/admin/reports/compliance?region=Yakutia').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.status).toBe(200);
    expect(res.text.trim()).toMatch(/^<div id="report-results">/);
    expect(res.text).not.toContain('<html');
    expect(res.headers.vary).toContain('HX-Request');
  });

  it('has a plain GET form that htmx enhances', async () => {
    const res = await f.admin.get('/admin/reports/compliance');
    expect(res.text).toMatch(
      /<form method="get" action="\/admin\/reports\/compliance"[^>]*data-hx-get="\/admin\/reports\/compliance" data-hx-target="#report-results"/,
    );
    expect(res.text).toContain('hx-push-url="true"');
    expect(res.text).toContain('<option value="Yakutia" >Yakutia</option>');
    expect(res.text).toContain('>Spring 2024</option>');
  });

  it('shows the framework titles in Russian', async () => {
    // Its own agent: ?lang=ru leaves a cookie that would turn the other tests Russian.
    const res = await (await adminAgent(f.ctx)).get('/admin/reports/compliance?lang=ru');
    expect(res.text).toContain('Понимание политики');
    expect(res.text).toContain('Получение знаний');
    expect(res.text).toContain('Отчёт о соответствии');
  });

  it('answers 422 with a message by the field for a bad date or an unknown cohort', async () => {
    const res = await f.admin.get('/admin/reports/compliance?from=2024-02-30&cohort=999');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a date as YYYY-MM-DD.');
    expect(res.text).toMatch(/id="f-cohort"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="2024-02-30"');
    const reversed = await f.admin.get('/admin/reports/compliance?from=2024-05-01&to=2024-04-01');
    expect(reversed.status).toBe(422);
    const json = await f.admin.get('/admin/reports/compliance?from=nope&format=json');
    expect(json.status).toBe(422);
  });

  it('gives the same figures whichever way they are computed (counts per place, standings roll-up, per-teacher lookup or index scan)', async () => {
    for (const query of [{}, { region: 'Yakutia' }, { from: '2024-01-01', to: '2024-03-31' }, { region: 'Yakutia', from: '2024-03-01' }]) {
      const filters = filterSchema.parse(query);
      for (const group of ['school', 'region', 'country', 'cohort'] as const) {
        const scan = await complianceCounts(f.ctx.db, filters, group, 'scan');
        expect(scan.total.teachers).toBeGreaterThan(0);
        const byKey = (r: typeof scan) => ({ total: r.total, groups: [...r.groups].sort((a, b) => a.key.localeCompare(b.key)) });
        expect(byKey(scan)).toEqual(byKey(await complianceCounts(f.ctx.db, filters, group, 'lookup')));
        // Without a window the roll-ups answer: competency_standings, and place_counts when nothing but places is filtered.
        if (!('from' in query)) {
          expect(byKey(scan)).toEqual(byKey(await complianceCounts(f.ctx.db, filters, group, 'standings')));
          expect(byKey(scan)).toEqual(byKey(await complianceCounts(f.ctx.db, filters, group)));
        }
      }
    }
  });
});

describe('GET /admin/reports/compliance: pages of groups', () => {
  it('shows 50 groups a page', async () => {
    const ctx = await createTestApp();
    const { agent: admin } = await userAgent(ctx, { roles: ['admin'], school: 'School 00' });
    for (let i = 1; i <= 52; i++) await makeUser(ctx.db, { school: `School ${String(i).padStart(2, '0')}` });
    // 52 schools; the admin's own "School 00" is not one of them (staff are not counted: population.test.ts).
    const first = await admin.get('/admin/reports/compliance?group=school');
    expect(pageGroups(first.text).size).toBe(50);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('52 groups');
    const second = await admin.get('/admin/reports/compliance?group=school&page=2');
    expect([...pageGroups(second.text).keys()]).toEqual(['School 51', 'School 52']);
  });
});
