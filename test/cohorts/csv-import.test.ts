import { describe, expect, it } from 'vitest';
import { decodeText, decodeUpload, detectDelimiter, parseCsv, planImport } from '../../server/cohorts/csv-import.ts';
import { toCsv } from '../../server/cohorts/export.ts';

function rows(text: string) {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(parsed.error.key);
  return parsed.rows;
}

describe('parseCsv', () => {
  it('detects the separator from the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('email,name\nx;y;z')).toBe(',');
    expect(detectDelimiter('email;name;school\n')).toBe(';');
    expect(detectDelimiter('"a;b;c",email\n')).toBe(',');
    expect(detectDelimiter('\n\nemail;name\n')).toBe(';');
  });

  it('understands header spellings in any case and in Russian', () => {
    const [row] = rows('Почта;ФИО;Школа;Регион;Страна;Язык\nivan@school.ru;Иван Петров;Школа 1;Якутия;Россия;русский\n');
    expect(row).toMatchObject({
      line: 2,
      email: 'ivan@school.ru',
      name: 'Иван Петров',
      school: 'Школа 1',
      region: 'Якутия',
      country: 'Россия',
      language: 'ru',
    });
    expect(rows('E-Mail , Full Name\nA@B.org,Ann\n')[0]).toMatchObject({ email: 'a@b.org', name: 'Ann' });
  });

  it('recognises common Russian and English headings in any case and spacing', () => {
    for (const [header, field] of [
      ['Ф.И.О.', 'name'],
      ['Фамилия и имя', 'name'],
      ['ФИО', 'name'],
      ['E-mail адрес', 'email'],
      ['Адрес  электронной почты', 'email'],
      ['EMAIL', 'email'],
      ['Образовательная организация', 'school'],
      ['ОО', 'school'],
      ['Субъект РФ', 'region'],
    ] as const) {
      const other = field === 'email' ? 'name' : 'email';
      const parsed = parseCsv(`${header};${other}\n${field === 'email' ? 'a@x.org;X' : 'X;a@x.org'}\n`);
      expect(parsed.ok && parsed.unused, header).toEqual([]);
      expect(parsed.ok && parsed.rows[0]![field], header).toBe(field === 'email' ? 'a@x.org' : 'X');
    }
  });

  it('joins family, given and patronymic names: family first under Russian headings, given first under English ones', () => {
    expect(rows('Фамилия;Имя;Отчество;Email\nПетров;Иван;Сергеевич;p@x.org\n')[0]!.name).toBe('Петров Иван Сергеевич');
    expect(rows('Email;Имя;Фамилия\np@x.org;Иван;Петров\n')[0]!.name).toBe('Петров Иван');
    expect(rows('First name,Last name,Email\nAnn,Lee,a@x.org\n')[0]!.name).toBe('Ann Lee');
    expect(rows('Surname,First name,Email\nLee,Ann,a@x.org\n')[0]!.name).toBe('Ann Lee');
    // A full-name column wins over the parts.
    expect(rows('ФИО;Фамилия;Email\nПетров Иван;Петров;p@x.org\n')[0]!.name).toBe('Петров Иван');
  });

  it('finds the headings below title rows, trying the other separators, and names unused columns', () => {
    const parsed = parseCsv('Список группы\nВесна 2026\n\nКласс;email;;Имя;E-mail\n5А;a@x.org;x;Ann;b@x.org\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.delimiter).toBe(';');
    expect(parsed.rows.map((r) => [r.line, r.email, r.name])).toEqual([[5, 'a@x.org', 'Ann']]);
    expect(parsed.unused).toEqual([
      { column: 1, heading: 'Класс' },
      { column: 3, heading: '' },
      { column: 5, heading: 'E-mail' },
    ]);
    // Eleven title rows are too many: the headings must be among the first ten rows.
    expect(parseCsv(`${'title\n'.repeat(10)}email\na@x.org\n`)).toMatchObject({ ok: false, error: { key: 'import.errors.noEmailColumn' } });
    expect(parseCsv(`${'title\n'.repeat(9)}email\na@x.org\n`).ok).toBe(true);
  });

  it('counts lines from the top of the file, through blank lines and quoted line breaks', () => {
    const parsed = rows('\nemail,name\n\na@b.org,"one\ntwo"\n\n\nc@d.org,C\r\ne@f.org,E');
    expect(parsed.map((r) => [r.line, r.email])).toEqual([
      [4, 'a@b.org'],
      [8, 'c@d.org'],
      [9, 'e@f.org'],
    ]);
  });

  it('accepts language codes, names and locale tags, and refuses others', () => {
    const parsed = rows('email,language\na@x.org,EN\nb@x.org,ru-RU\nc@x.org,English\nd@x.org,\ne@x.org,de\nf@x.org,rusk\n');
    expect(parsed.map((r) => r.error?.key ?? r.language)).toEqual(['en', 'ru', 'en', null, 'import.rowErrors.language', 'import.rowErrors.language']);
  });

  it('refuses over-long values row by row', () => {
    const [row] = rows(`email,name\na@x.org,${'x'.repeat(121)}\n`);
    expect(row!.error).toEqual({ key: 'import.rowErrors.tooLong', params: { field: 'name', max: 120 } });
  });

  it('keeps the first of duplicate addresses, case-insensitively', () => {
    const parsed = rows('email\nA@x.org\na@X.org\nb@x.org\n');
    expect(parsed.map((r) => r.error?.params?.line ?? null)).toEqual([null, 2, null]);
  });

  it('explains files it cannot use', () => {
    const key = (text: string) => {
      const r = parseCsv(text);
      return r.ok ? 'ok' : r.error.key;
    };
    expect(key('')).toBe('import.errors.empty');
    expect(key('email\n')).toBe('import.errors.noRows');
    expect(key('name,school\nA,B\n')).toBe('import.errors.noEmailColumn');
    expect(key('a@b.org,Ann\n')).toBe('import.errors.noEmailColumn');
    expect(key('email\n"a@b.org\n')).toBe('import.errors.malformed');
  });
});

describe('decoding uploads', () => {
  it('strips a byte-order mark, reads UTF-16 and Windows-1251, and refuses NUL bytes and unknown encodings', () => {
    expect(decodeText(Buffer.from('\uFEFFemail\n', 'utf8'))).toEqual({ ok: true, text: 'email\n', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('email\u0000\n'))).toMatchObject({ ok: false, error: { key: 'import.errors.notCsv' } });
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x65, 0x00]))).toEqual({ ok: true, text: 'e', encoding: 'utf-16le' });
    expect(decodeText(Buffer.from([0xfe, 0xff, 0x04, 0x18]))).toEqual({ ok: true, text: 'И', encoding: 'utf-16be' });
    expect(decodeText(Buffer.from([0xc8, 0xe2, 0xe0, 0xed]))).toEqual({ ok: true, text: 'Иван', encoding: 'windows-1251' });
    // Latin-1 "Müller": not valid UTF-8, and "Mьller" is no Cyrillic text.
    expect(decodeText(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))).toMatchObject({ ok: false, error: { key: 'import.errors.encoding' } });
    // Damaged UTF-8 Cyrillic would read as Windows-1251 mojibake ("РџСЂРёРІРµС‚"): refused instead.
    expect(decodeText(Buffer.concat([Buffer.from('email;Привет, мир\n'), Buffer.from([0xff])]))).toMatchObject({
      ok: false,
      error: { key: 'import.errors.encoding' },
    });
  });

  it('accepts CSV under the names and types browsers and Excel give it', () => {
    const buffer = Buffer.from('email\na@b.org\n');
    for (const [originalname, mimetype] of [
      ['list.csv', 'text/csv'],
      ['list.CSV', 'application/vnd.ms-excel'],
      ['list.txt', 'text/plain'],
      ['list', 'application/octet-stream'],
    ]) {
      expect(decodeUpload({ originalname: originalname!, mimetype: mimetype!, buffer }).ok, originalname).toBe(true);
    }
    expect(decodeUpload({ originalname: 'list.docx', mimetype: 'application/msword', buffer }).ok).toBe(false);
    expect(decodeUpload({ originalname: 'list.csv', mimetype: 'image/png', buffer }).ok).toBe(false);
  });
});

describe('planImport', () => {
  it('sorts rows into new, existing, already a member and error', () => {
    const parsed = rows('email\nnew@x.org\nold@x.org\nin@x.org\nbroken\n');
    const plan = planImport(
      parsed,
      new Map([
        ['old@x.org', { id: 7, member: false }],
        ['in@x.org', { id: 8, member: true }],
      ]),
    );
    expect(plan.rows.map((r) => [r.outcome, r.userId])).toEqual([
      ['new', null],
      ['existing', 7],
      ['member', 8],
      ['error', null],
    ]);
    expect(plan.counts).toEqual({ new: 1, existing: 1, member: 1, error: 1 });
  });
});

describe('toCsv', () => {
  it('quotes values with line breaks so each learner stays on one row', () => {
    expect(toCsv(['name'], [['one\ntwo'], ['three\rfour'], [5]])).toBe('\uFEFF"name"\r\n"one\ntwo"\r\n"three\rfour"\r\n5\r\n');
  });
});
