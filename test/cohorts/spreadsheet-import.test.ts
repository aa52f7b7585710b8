import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { binaryBody, userAgent } from '../helpers.ts';
import { type Agent, counts, trainerWithCohort, upload } from './fixtures.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An XLSX workbook built in memory; `build` fills its first sheet. */
async function workbook(build: (sheet: ExcelJS.Worksheet, book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  build(book.addWorksheet('Список'), book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const uploadXlsx = (agent: Agent, cohortId: number, body: Buffer, action: 'preview' | 'confirm' = 'preview', filename = 'list.xlsx') =>
  upload(agent, cohortId, body, { action, filename, contentType: XLSX_TYPE });

/** The text the preview carries to the confirmation (the textarea's leading newline is the HTML parser's). */
function carried(html: string): string {
  const text = /<textarea name="csv" hidden aria-hidden="true">\n([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
  return text.replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

describe('POST /cohorts/:id/members with an Excel workbook', () => {
  it('reads the first sheet below a title, cells as shown, joins the name parts and names unused columns', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const body = await workbook((sheet, book) => {
      sheet.addRow(['Список участников курса']);
      sheet.mergeCells('A1:F1');
      sheet.addRow([]);
      sheet.addRow(['Фамилия', 'Имя', 'Отчество', 'E-mail адрес', 'ОО', 'Субъект РФ', 'Класс', 'Дата']);
      sheet.addRow([
        'Иванова',
        'Мария',
        { richText: [{ text: 'Пет', font: { bold: true } }, { text: 'ровна' }] },
        { text: 'Maria@School.ru', hyperlink: 'mailto:maria@school.ru' },
        'Школа № 1',
        'Якутия',
        5,
        new Date(Date.UTC(2026, 0, 31)),
      ]);
      sheet.addRow(['Петров', 'Иван', '', 'not-an-email', 'Школа № 2', 'Якутия', 6]);
      book.addWorksheet('Other').addRow(['email', 'ignored@school.ru']);
    });
    const before = await counts(ctx.db, cohortId);
    const preview = await uploadXlsx(trainer.agent, cohortId, body);
    expect(preview.status).toBe(200);
    expect(await counts(ctx.db, cohortId)).toEqual(before);
    expect(preview.text).toContain('File: list.xlsx.');
    expect(preview.text).toContain('Read from the first sheet of the Excel workbook.');
    expect(preview.text).toMatch(/<td class="num">4<\/td>\s*<td>maria@school.ru<\/td>\s*<td>Иванова Мария Петровна<\/td>\s*<td>Школа № 1<\/td>/);
    expect(preview.text).toMatch(/<td class="num">5<\/td>\s*<td>not-an-email<\/td>[\s\S]*?This is not a valid email address./);
    expect(preview.text).toContain('Column &#34;Класс&#34; is not used.');
    expect(preview.text).toContain('Column &#34;Дата&#34; is not used.');
    expect(preview.text).not.toContain('ignored@school.ru');
    const text = carried(preview.text);
    expect(text.split('\n')[3]).toBe('"Иванова","Мария","Петровна","Maria@School.ru","Школа № 1","Якутия","5","2026-01-31"');

    // The carried text confirms; the rows with errors come back with every column of the sheet.
    const errors = await trainer.agent.post(`/cohorts/${cohortId}/members/errors.csv`).field('csv', text).field('filename', 'list.xlsx').buffer(true);
    expect(errors.status).toBe(200);
    expect(errors.text).toBe(
      '\uFEFF"Фамилия","Имя","Отчество","E-mail адрес","ОО","Субъект РФ","Класс","Дата","Error"\r\n' +
        '"Петров","Иван",,"not-an-email","Школа № 2","Якутия","6",,"Line 5: This is not a valid email address."\r\n',
    );
    const done = await trainer.agent.post(`/cohorts/${cohortId}/members`).field('action', 'confirm').field('csv', text).field('filename', 'list.xlsx');
    expect(done.status).toBe(200);
    expect((await ctx.db.select().from(users).where(eq(users.email, 'maria@school.ru')))[0]).toMatchObject({
      name: 'Иванова Мария Петровна',
      school: 'Школа № 1',
      region: 'Якутия',
    });
    expect((await counts(ctx.db, cohortId)).members).toBe(1);
  });

  it('refuses formulas, merged headings, a sheet without headings and too many rows, naming the file, and writes nothing', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const before = await counts(ctx.db, cohortId);
    const cases: [Buffer, string][] = [
      [
        await workbook((s) => {
          s.addRow(['email', 'name']);
          s.addRow(['a@school.org', 'Ann']);
          s.addRow(['b@school.org', { formula: 'B2&"x"', result: 'Annx' }]);
        }),
        'list.xlsx: Cell B3 (row 3, column &#34;name&#34;) holds a formula.',
      ],
      [
        await workbook((s) => {
          s.addRow(['email', '', 'school']);
          s.mergeCells('A1:B1');
          s.addRow(['a@school.org', '', 'School']);
        }),
        'list.xlsx: The headings in row 1 have merged cells (A1:B1).',
      ],
      [
        await workbook((s) => {
          s.addRow(['Фамилия', 'Школа']);
          s.addRow(['Иванова', 'Школа № 1']);
        }),
        'list.xlsx: None of the first 10 rows of the first sheet names the columns',
      ],
      [
        await workbook((s) => {
          s.addRow(['email']);
          for (let i = 0; i < 10_001; i++) s.addRow([`t${i}@s.org`]);
        }),
        'list.xlsx: The file has 10001 rows; at most 10000 can be enrolled at once.',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await uploadXlsx(trainer.agent, cohortId, body, 'confirm');
      expect(res.status, message).toBe(422);
      expect(res.text, message).toContain(message);
      expect(res.text, message).toContain('role="alert"');
    }
    expect(await counts(ctx.db, cohortId)).toEqual(before);
  });

  it('refuses password-protected, legacy and zip-bomb files without loading them', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const before = await counts(ctx.db, cohortId);
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const encrypted = Buffer.concat([ole, Buffer.alloc(64), Buffer.from('EncryptedPackage', 'utf16le')]);
    // 21 MB of one letter packs into a few kilobytes.
    const bomb = await workbook((s) => {
      s.addRow(['email', 'name']);
      s.addRow(['a@school.org', 'a'.repeat(21 * 1024 * 1024)]);
    });
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const cases: [Buffer, string, string][] = [
      [encrypted, 'secret.xlsx', 'secret.xlsx: This workbook is protected with a password'],
      [ole, 'locked.xlsx', 'locked.xlsx: This workbook is protected with a password'],
      [ole, 'old.xls', 'old.xls: This is an older spreadsheet format (.xls, .ods or .numbers)'],
      [Buffer.from('not a zip'), 'list.ods', 'list.ods: This is an older spreadsheet format'],
      [bomb, 'bomb.xlsx', 'bomb.xlsx: This workbook unpacks to more than 20 MB'],
    ];
    for (const [body, filename, message] of cases) {
      const res = await uploadXlsx(trainer.agent, cohortId, body, 'confirm', filename);
      expect(res.status, filename).toBe(422);
      expect(res.text, filename).toContain(message);
    }
    expect(await counts(ctx.db, cohortId)).toEqual(before);
  });
});

describe('POST /cohorts/:id/members with a CSV file in another encoding', () => {
  it('reads Windows-1251, says so, and stores the Cyrillic names', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    // "email;ФИО;Класс" and "ivan@school.ru;Иван;5А" in Windows-1251.
    const body = Buffer.concat([
      Buffer.from('email;'),
      Buffer.from([0xd4, 0xc8, 0xce, 0x3b, 0xca, 0xeb, 0xe0, 0xf1, 0xf1]),
      Buffer.from('\r\nivan@school.ru;'),
      Buffer.from([0xc8, 0xe2, 0xe0, 0xed, 0x3b, 0x35, 0xc0]),
      Buffer.from('\r\n'),
    ]);
    const preview = await upload(trainer.agent, cohortId, body, { filename: 'old.csv' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Read as Windows-1251 text (Cyrillic)');
    expect(preview.text).toMatch(/<td>ivan@school.ru<\/td>\s*<td>Иван<\/td>/);
    expect(preview.text).toContain('Column &#34;Класс&#34; is not used.');
    expect(carried(preview.text)).toBe('email;ФИО;Класс\r\nivan@school.ru;Иван;5А\r\n');
    await upload(trainer.agent, cohortId, body, { filename: 'old.csv', action: 'confirm' });
    expect((await ctx.db.select().from(users).where(eq(users.email, 'ivan@school.ru')))[0]?.name).toBe('Иван');
  });

  it('reads UTF-16 with a byte-order mark (Excel "Unicode text", tab-separated)', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const body = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Адрес электронной почты\tФамилия и имя\r\nolga@school.ru\tОльга Петрова\r\n', 'utf16le'),
    ]);
    const preview = await upload(trainer.agent, cohortId, body, { filename: 'unicode.txt', contentType: 'text/plain' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Read as UTF-16 text.');
    expect(preview.text).toMatch(/<td>olga@school.ru<\/td>\s*<td>Ольга Петрова<\/td>/);
    await upload(trainer.agent, cohortId, body, { filename: 'unicode.txt', contentType: 'text/plain', action: 'confirm' });
    expect((await ctx.db.select().from(users).where(eq(users.email, 'olga@school.ru')))[0]?.name).toBe('Ольга Петрова');
  });
});

describe('GET /cohorts/:id/import/template.csv and .xlsx', () => {
  it('offers the headings in the asked language with an example row, which the import reads back', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const ru = await trainer.agent.get(`/cohorts/${cohortId}/import/template.csv?language=ru`).buffer(true);
    expect(ru.status).toBe(200);
    expect(ru.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(ru.headers['content-disposition']).toContain('import-template-ru.csv');
    expect(ru.text.split('\r\n')[0]).toBe(
      '\uFEFF"Адрес электронной почты","Фамилия","Имя","Отчество","Образовательная организация","Код школы","Регион","Страна","Язык"',
    );
    const en = await trainer.agent.get(`/cohorts/${cohortId}/import/template.csv?language=en`).buffer(true);
    expect(en.text.split('\r\n')[0]).toBe('\uFEFF"Email","Last name","First name","Middle name","School","School code","Region","Country","Language"');

    const xlsx = await trainer.agent.get(`/cohorts/${cohortId}/import/template.xlsx?language=ru`).buffer(true).parse(binaryBody);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX_TYPE);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ExcelJS.Buffer);
    expect(book.worksheets[0]!.getRow(1).getCell(2).value).toBe('Фамилия');

    // Both templates go straight back in: every column recognised, the example row read.
    const back = await uploadXlsx(trainer.agent, cohortId, xlsx.body as Buffer);
    expect(back.text).toMatch(/<td>ivanova@school.example<\/td>\s*<td>Иванова Мария Петровна<\/td>/);
    expect(back.text).not.toContain('is not used');
    const backEn = await upload(trainer.agent, cohortId, Buffer.from(en.text), { filename: 'template.csv' });
    expect(backEn.text).toMatch(/<td>ann.lee@school.example<\/td>\s*<td>Ann Lee<\/td>/);
    expect(backEn.text).not.toContain('is not used');
  });

  it('links both templates from the import form', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const page = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    for (const format of ['xlsx', 'csv']) {
      for (const language of ['en', 'ru']) expect(page.text).toContain(`href="/cohorts/${cohortId}/import/template.${format}?language=${language}"`);
    }
    // Downloading the Russian template does not switch the interface to Russian.
    const ru = await trainer.agent.get(`/cohorts/${cohortId}/import/template.csv?language=ru`);
    expect(ru.headers['set-cookie']).toBeUndefined();
  });

  it('answers 404 to a trainer of another cohort and serves administrators', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const intruder = await userAgent(ctx, { roles: ['trainer'] });
    const admin = await userAgent(ctx, { roles: ['admin'] });
    for (const ext of ['csv', 'xlsx']) {
      const url = `/cohorts/${cohortId}/import/template.${ext}?language=ru`;
      expect((await intruder.agent.get(url)).status, url).toBe(404);
      expect((await admin.agent.get(url).buffer(true).parse(binaryBody)).status, url).toBe(200);
    }
  });
});
