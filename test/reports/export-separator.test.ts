import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { expectAttackRoundTrip, readCsv, SEMICOLON_ATTACK } from '../http/spreadsheet-checks.ts';
import { addEvidence, adminAgent } from './fixtures.ts';

// Three teachers at a school named =1+1, one of them named like a ';' formula attack, one
// with evidence of KA.1: 33.3 % of the school, a decimal that Russian Excel needs as 33,3.

const CSV_URLS = ['/admin/reports/compliance?group=school&format=csv', '/admin/reports/compliance?format=csv&detail=teachers'];

/** Parses with the given separator after checking that neither Excel locale would see a formula. */
describe('GET /admin/reports/compliance?format=csv (separators)', () => {
  let ctx: TestContext;
  let admin: Awaited<ReturnType<typeof adminAgent>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    admin = await adminAgent(ctx);
    const attacker = await makeUser(ctx.db, { name: SEMICOLON_ATTACK, email: 'attack@school.org', school: '=1+1', region: 'Yakutia', country: 'Russia' });
    for (const name of ['Olga', 'Pavel']) await makeUser(ctx.db, { name, email: `${name}@school.org`, school: '=1+1', region: 'Yakutia', country: 'Russia' });
    await addEvidence(ctx.db, attacker.id, 'KA.1', '2024-02-01T10:00:00Z');
  });

  it('quotes and neutralises the school in the grouped CSV, comma-separated in English', async () => {
    const res = await admin.get(CSV_URLS[0]!);
    expect(res.text).toContain(`\r\n"'=1+1",3,1,33.3,`);
    const row = readCsv(res.text, ',').find((r) => r[0] === "'=1+1")!;
    expect(row.slice(0, 4)).toEqual(["'=1+1", '3', '1', '33.3']);
  });

  it('gives the ; variant with decimal commas on sep=semicolon', async () => {
    const res = await admin.get(`${CSV_URLS[0]}&sep=semicolon`);
    expect(res.text).toContain(`\r\n"'=1+1";3;1;33,3;`);
    expect(res.text).toContain('"Teachers counted";3\r\n');
    expect(
      readCsv(res.text, ';')
        .find((r) => r[0] === "'=1+1")!
        .slice(0, 4),
    ).toEqual(["'=1+1", '3', '1', '33,3']);
  });

  it('quotes and neutralises name and school in the per-teacher CSV, in both separators', async () => {
    const comma = await admin.get(CSV_URLS[1]!);
    expect(comma.text).toContain(`\r\n"${SEMICOLON_ATTACK}","attack@school.org","'=1+1","Yakutia","Russia","2024-02-01",`);
    const semicolon = await admin.get(`${CSV_URLS[1]}&sep=semicolon`);
    expect(semicolon.text).toContain(`\r\n"${SEMICOLON_ATTACK}";"attack@school.org";"'=1+1";"Yakutia";"Russia";"2024-02-01";`);
    expectAttackRoundTrip(comma, semicolon);
  });

  it('uses ; for the Russian interface by default, and sep=comma switches back', async () => {
    // Its own agent: ?lang=ru leaves a cookie that would turn the other tests Russian.
    const ru = await adminAgent(ctx);
    for (const url of CSV_URLS) {
      const semicolon = await ru.get(`${url}&lang=ru`);
      expect(semicolon.text).toContain('"Учтено учителей";3\r\n');
      const comma = await ru.get(`${url}&sep=comma`);
      expect(comma.text).toContain('"Учтено учителей",3\r\n');
    }
    const grouped = await ru.get(CSV_URLS[0]!);
    expect(grouped.text).toContain(`\r\n"'=1+1";3;1;33,3;`);
  });

  it('offers the other separator next to each CSV link of the report pages', async () => {
    const en = await admin.get('/admin/reports/compliance?group=school');
    const semicolonLinks = [...en.text.matchAll(/href="([^"]*format=csv[^"]*&amp;sep=semicolon)"[^>]*>CSV \(;\) for Excel with Russian regional settings</g)];
    expect(semicolonLinks.map((m) => m[1]!.includes('detail=teachers'))).toEqual([false, true]);
    const teachers = await admin.get('/admin/reports/compliance/teachers');
    expect(teachers.text).toMatch(/href="[^"]*format=csv&amp;detail=teachers&amp;sep=semicolon"/);
    const ru = await (await adminAgent(ctx)).get('/admin/reports/compliance?group=school&lang=ru');
    expect(ru.text).toMatch(/&amp;sep=comma"[^>]*>CSV \(,\) для Excel с английскими региональными настройками</);
  });
});
