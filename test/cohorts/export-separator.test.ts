import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { binaryBody, makeUser } from '../helpers.ts';
import { excelAcceptsSheetName, expectAttackRoundTrip, readCsv, SEMICOLON_ATTACK } from '../http/spreadsheet-checks.ts';
import { trainerWithCohort, upload } from './fixtures.ts';

// Excel in a Russian locale splits a .csv at ';', so an unquoted `x;=cmd|...` cell in a comma
// file became a formula; every text field is now quoted, and a ';' variant is offered.

/** A cohort with a member whose name and school are formula attacks. */
async function hostileCohort() {
  const setup = await trainerWithCohort();
  const u = await makeUser(setup.ctx.db, { name: SEMICOLON_ATTACK, email: 'attack@school.org', school: '=1+1' });
  await addMember(setup.ctx.db, setup.cohortId, u.id);
  return setup;
}

/** The body parsed as Excel in the right locale would, and the check that no locale sees a formula. */
describe('GET /cohorts/:id/progress.csv', () => {
  it('quotes and neutralises the attack, comma-separated in English, ; with sep=semicolon', async () => {
    const { trainer, cohortId } = await hostileCohort();
    const comma = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv`).buffer(true);
    expect(comma.text).toContain(`\r\n"${SEMICOLON_ATTACK}","attack@school.org","'=1+1",,,0,0,10,,"no",`);
    const semicolon = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv?sep=semicolon`).buffer(true);
    expect(semicolon.text).toContain(`\r\n"${SEMICOLON_ATTACK}";"attack@school.org";"'=1+1";;;0;0;10;;"no";`);
    expectAttackRoundTrip(comma, semicolon);
  });

  it('uses ; for the Russian interface, and sep=comma switches back', async () => {
    const { trainer, cohortId } = await hostileCohort();
    const ru = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv?lang=ru`).buffer(true);
    expect(ru.text.startsWith('\uFEFF"Имя";"Почта";')).toBe(true);
    expect(ru.text).toContain(`"${SEMICOLON_ATTACK}";"attack@school.org";"'=1+1"`);
    const comma = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv?sep=comma`).buffer(true);
    expect(comma.text.startsWith('\uFEFF"Имя","Почта",')).toBe(true);
    expect(readCsv(comma.text, ',').find((r) => r[1] === 'attack@school.org')![0]).toBe(SEMICOLON_ATTACK);
  });
});

describe('GET /cohorts/:id', () => {
  it('offers the CSV with the other separator next to the main download', async () => {
    const { trainer, cohortId } = await hostileCohort();
    const en = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(en.text).toContain(`href="/cohorts/${cohortId}/progress.csv"`);
    expect(en.text).toMatch(new RegExp(`href="/cohorts/${cohortId}/progress.csv\\?sep=semicolon"[^>]*>CSV \\(;\\) for Excel with Russian regional settings<`));
    const ru = await trainer.agent.get(`/cohorts/${cohortId}?lang=ru`);
    expect(ru.text).toMatch(
      new RegExp(`href="/cohorts/${cohortId}/progress.csv\\?sep=comma"[^>]*>CSV \\(,\\) для Excel с английскими региональными настройками<`),
    );
  });
});

describe('POST /cohorts/:id/links.csv', () => {
  it('quotes and neutralises names in both separators', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, `email,name\nsemi@school.org,"${SEMICOLON_ATTACK}"\neq@school.org,=1+1\n`, { action: 'confirm' });
    const comma = await trainer.agent.post(`/cohorts/${cohortId}/links.csv`).buffer(true);
    expect(comma.text).toMatch(new RegExp(`\r\n"semi@school.org","${SEMICOLON_ATTACK.replace('|', '\\|')}","http://localhost:3000/signin/\\w+"\r\n`));
    expect(comma.text).toMatch(/\r\n"eq@school.org","'=1\+1","http:\/\/localhost:3000\/signin\/\w+"\r\n/);
    const semicolon = await trainer.agent.post(`/cohorts/${cohortId}/links.csv?sep=semicolon`).buffer(true);
    expect(semicolon.text.startsWith('\uFEFF"email";"name";"link"\r\n')).toBe(true);
    expect(semicolon.text).toMatch(/\r\n"eq@school.org";"'=1\+1";"http:\/\/localhost:3000\/signin\/\w+"\r\n/);
    const rows = readCsv(semicolon.text, ';');
    expect(rows.find((r) => r[0] === 'semi@school.org')![1]).toBe(SEMICOLON_ATTACK);
    expect(rows.find((r) => r[0] === 'eq@school.org')![1]).toBe("'=1+1");
  });

  it('is offered with the other separator on the members page', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const imported = await upload(trainer.agent, cohortId, 'email\nnew@school.org\n', { action: 'confirm' });
    const page = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    for (const html of [imported.text, page.text]) expect(html).toContain(`formaction="/cohorts/${cohortId}/links.csv?sep=semicolon"`);
  });
});

describe('POST /cohorts/:id/members/errors.csv', () => {
  it('quotes and neutralises the rejected rows in both separators', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const csv = 'email,name\n=1+1,Someone\n';
    const comma = await trainer.agent.post(`/cohorts/${cohortId}/members/errors.csv`).field('csv', csv).buffer(true);
    expect(comma.text).toBe('\uFEFF"email","name","Error"\r\n"\'=1+1","Someone","Line 2: This is not a valid email address."\r\n');
    const semicolon = await trainer.agent.post(`/cohorts/${cohortId}/members/errors.csv?sep=semicolon`).field('csv', csv).buffer(true);
    expect(semicolon.text).toBe('\uFEFF"email";"name";"Error"\r\n"\'=1+1";"Someone";"Line 2: This is not a valid email address."\r\n');
    expect(readCsv(semicolon.text, ';')[1]).toEqual(["'=1+1", 'Someone', 'Line 2: This is not a valid email address.']);
  });
});

describe('GET /cohorts/:id/progress.xlsx', () => {
  const longName = `${'a'.repeat(30)}😀bcdefghij`; // 40 characters; the emoji straddles the 31st unit
  for (const [name, sheet] of [
    ["'x'", 'x'],
    ['History', 'History (2)'],
    ['a/b:c*d?[e]', 'a b c d e'],
    [longName, 'a'.repeat(30)],
  ]) {
    it(`names the sheet of cohort ${JSON.stringify(name)} as Excel allows, with the data`, async () => {
      const { ctx, trainer, courses } = await trainerWithCohort();
      const cohortId = await createCohort(
        ctx.db,
        { name, courses: courses.map((c) => c.id), startDate: '2026-01-10', dueDate: null, description: '' },
        trainer.user.id,
      );
      await addMember(ctx.db, cohortId, (await makeUser(ctx.db, { name: 'Ann', email: 'ann@school.org' })).id);
      const res = await trainer.agent.get(`/cohorts/${cohortId}/progress.xlsx`).buffer(true).parse(binaryBody);
      expect(res.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ExcelJS.Buffer);
      expect(workbook.worksheets.map((s) => s.name)).toEqual([sheet]);
      expect(excelAcceptsSheetName(sheet)).toBe(true);
      const rows = workbook.worksheets[0]!;
      expect(rows.rowCount).toBe(2);
      expect(rows.getRow(2).getCell(1).value).toBe('Ann');
      expect(rows.getRow(2).getCell(2).value).toBe('ann@school.org');
    });
  }
});
