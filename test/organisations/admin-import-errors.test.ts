import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { asAdmin, BASIC, carried, registry, registrySize, uploadList } from './admin-support.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Windows-1251 bytes of ASCII and Russian text (А-я, Ё, ё, №). */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = c.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      return ({ 1025: 0xa8, 1105: 0xb8, 8470: 0xb9 } as Record<number, number>)[code]!;
    }),
  );
}

describe('POST /admin/organisations/import with bad rows', () => {
  it('names the row and the field of every problem, writes nothing on preview and only the good rows on confirm', async () => {
    const { db, agent } = await asAdmin();
    const csv = [
      'kind,code,name_en,name_ru,parent_code',
      'country,RU,Russia,Россия,',
      'region,RU-SA,Sakha,Саха,RU',
      'school,1401,School A,,RU-XX',
      'school,1402,School B,,1401',
      'school,1401,School C,,RU-SA',
      'school,1403,,,RU-SA',
      'town,1404,Town,,RU',
      'region,RU-SA,Sakha again,,RU',
      'school,1405,School E,,RU',
    ].join('\n');
    const preview = await uploadList(agent, csv);
    expect(preview.status).toBe(200);
    const messages = [
      'Line 4, parent_code: No entry with the code RU-XX is in this file or the registry.',
      'Line 5, parent_code: The code 1401 belongs to a School, which cannot contain this entry.',
      'Line 6, code: The code 1401 is already used on line 4 for an entry of the same kind.',
      'Line 7, name_en: Both names are empty',
      'Line 8, kind: Unknown kind &#34;town&#34;',
      'Line 9, code: The code RU-SA is already used on line 3',
    ];
    for (const m of messages) expect(preview.text, m).toContain(m);
    expect(preview.text).toMatch(/data-count="error">6</);
    expect(preview.text).toMatch(/data-count="new">3</);
    expect(await registrySize(db)).toEqual({ entries: 0, names: 0 });

    const errors = await agent
      .post('/admin/organisations/import/errors.csv')
      .field('csv', carried(preview.text))
      .field('filename', 'registry.csv')
      .buffer(true);
    expect(errors.status).toBe(200);
    expect(errors.text.split('\r\n')[0]).toBe('\uFEFF"kind","code","name_en","name_ru","parent_code","Error"');
    expect(errors.text).toContain('"school","1401","School A",,"RU-XX","Line 4, parent_code: No entry with the code RU-XX is in this file or the registry."');

    const done = await uploadList(agent, csv, { action: 'confirm' });
    expect(done.text).toContain('6 rows with errors skipped.');
    expect(await registry(db)).toEqual([
      ['country', 'RU', 'Russia', 'Россия', null],
      ['region', 'RU-SA', 'Sakha', 'Саха', 'RU'],
      ['school', '1405', 'School E', '', 'RU'],
    ]);
  });

  it('refuses a row that names an existing entry twice, or a name several entries share, and finds parents later in the file', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, BASIC, { action: 'confirm' });
    await uploadList(agent, 'kind,name_en,parent_code\nschool,Lyceum 2,RU\n', { action: 'confirm' });
    const csv = [
      'kind,code,name_en,name_ru,parent_code',
      'school,,Tiksi School No. 1,,',
      'school,,,тиксинская сош № 1,',
      'school,,Lyceum 2,,',
      'school,77,New School,,XX',
      'country,XX,Xland,,',
    ].join('\n');
    const preview = await uploadList(agent, csv);
    expect(preview.text).toContain('Line 3, name_ru: Line 2 already changes the same registry entry.');
    expect(preview.text).toContain('Line 4, name_en: 2 entries of this kind have this name; give a code or a parent_code to say which.');
    expect(preview.text).toMatch(/data-count="new">2</);
    await uploadList(agent, csv, { action: 'confirm' });
    expect((await registry(db)).slice(-2)).toEqual([
      ['country', 'XX', 'Xland', '', null],
      ['school', '77', 'New School', '', 'XX'],
    ]);
  });

  it('reads a Windows-1251 CSV with Russian headings and Cyrillic names, and says so', async () => {
    const { db, agent } = await asAdmin();
    const csv = 'тип;код;название;код родителя\r\nстрана;RU;Россия;\r\nрегион;RU-SA;Якутия;RU\r\nшкола;1;Школа № 1;RU-ZZ\r\n';
    const preview = await uploadList(agent, cp1251(csv), { filename: 'реестр.csv' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Read as Windows-1251 text (Cyrillic)');
    expect(preview.text).toContain('Line 4, parent_code: No entry with the code RU-ZZ');
    expect(preview.text).toContain('Якутия');
    await agent.post('/admin/organisations/import').field('action', 'confirm').field('csv', carried(preview.text));
    expect(await registry(db)).toEqual([
      ['country', 'RU', '', 'Россия', null],
      ['region', 'RU-SA', '', 'Якутия', 'RU'],
    ]);
  });

  it('reads an Excel workbook below a title and refuses unreadable files with the reader message', async () => {
    const { db, agent } = await asAdmin();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Реестр');
    sheet.addRow(['Реестр школ']);
    sheet.addRow(['Kind', 'Code', 'Name (EN)', 'Name (RU)', 'Parent code']);
    sheet.addRow(['Country', 'RU', 'Russia', 'Россия', '']);
    sheet.addRow(['School', 1401, 'Tiksi School No. 1', '', 'RU']);
    sheet.addRow(['School', 1402, '', '', 'RU']);
    const body = Buffer.from(await book.xlsx.writeBuffer());
    const preview = await uploadList(agent, body, { filename: 'registry.xlsx', contentType: XLSX_TYPE });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Read from the first sheet of the Excel workbook.');
    expect(preview.text).toContain('Line 5, name_en: Both names are empty');
    expect(preview.text).toMatch(/data-count="new">2</);
    expect(await registrySize(db)).toEqual({ entries: 0, names: 0 });

    const encoded = await uploadList(agent, Buffer.from([0x4b, 0x69, 0x6e, 0x64, 0x0a, 0xff, 0xfe, 0x80]), { filename: 'bad.csv' });
    expect(encoded.status).toBe(422);
    expect(encoded.text).toContain('bad.csv: The text encoding of this file could not be recognised');
    const noHeader = await uploadList(agent, 'email,name\na@b.org,Ann\n');
    expect(noHeader.status).toBe(422);
    expect(noHeader.text).toContain('a &#34;kind&#34; column and a &#34;name_en&#34; or &#34;name_ru&#34; column are needed');
    expect(await registrySize(db)).toEqual({ entries: 0, names: 0 });
  });

  it('offers templates in each language that import as they are', async () => {
    const { db, agent } = await asAdmin();
    const ru = await agent.get('/admin/organisations/import/template.csv?language=ru').buffer(true);
    expect(ru.status).toBe(200);
    expect(ru.text).toContain('"тип"');
    const xlsx = await agent.get('/admin/organisations/import/template.xlsx?language=en');
    expect(xlsx.status).toBe(200);
    const preview = await uploadList(agent, ru.text.replace('\uFEFF', ''));
    expect(preview.text).toMatch(/data-count="new">3</);
    expect(preview.text).toMatch(/data-count="error">0</);
    expect(await registrySize(db)).toEqual({ entries: 0, names: 0 });
  });
});
