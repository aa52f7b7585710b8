import { parse } from 'csv-parse/sync';
import { emailField } from '../auth/schemas.ts';

// Parsing and planning a CSV enrolment: pure functions, no database. The routes look up the
// e-mail addresses (queries.ts) and enrol.ts applies the plan in one transaction.

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const MAX_ROWS = 10_000;

export type Language = 'en' | 'ru';
export interface Problem {
  key: string; // cohorts:import.* translation key
  params?: Record<string, string | number>;
}

export interface CsvRow {
  line: number; // 1-based line of the file where the row starts
  email: string;
  name: string;
  school: string;
  region: string;
  country: string;
  language: Language | null;
  error?: Problem;
}

export type ParseResult = { ok: true; rows: CsvRow[]; delimiter: ',' | ';' } | { ok: false; error: Problem };

const COLUMNS = ['email', 'name', 'school', 'region', 'country', 'language'] as const;
type Column = (typeof COLUMNS)[number];
// Spreadsheets made by people use many spellings; Russian headers are common in our schools.
const ALIASES: Record<string, Column> = {
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  почта: 'email',
  'эл. почта': 'email',
  'электронная почта': 'email',
  name: 'name',
  'full name': 'name',
  имя: 'name',
  фио: 'name',
  school: 'school',
  школа: 'school',
  region: 'region',
  регион: 'region',
  country: 'country',
  страна: 'country',
  language: 'language',
  lang: 'language',
  язык: 'language',
};
const LIMITS: Record<Exclude<Column, 'email' | 'language'>, number> = { name: 120, school: 200, region: 120, country: 120 };
const LANGUAGE_NAMES: Record<string, Language> = {
  en: 'en',
  eng: 'en',
  english: 'en',
  английский: 'en',
  ru: 'ru',
  rus: 'ru',
  russian: 'ru',
  русский: 'ru',
};

const ALLOWED_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/x-csv', 'application/vnd.ms-excel', 'application/octet-stream', '']);
const SPREADSHEET_EXT = /\.(xlsx|xlsm|xls|ods|numbers)$/i;

/** Checks an upload's name, type and bytes and decodes it; a Problem when it is not a UTF-8 CSV file. */
export function decodeUpload(file: { originalname: string; mimetype: string; buffer: Buffer }): { ok: true; text: string } | { ok: false; error: Problem } {
  const zip = file.buffer.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004';
  if (SPREADSHEET_EXT.test(file.originalname) || file.mimetype.includes('spreadsheet') || zip)
    return { ok: false, error: { key: 'import.errors.spreadsheet' } };
  const ext = /\.([^./\\]+)$/.exec(file.originalname)?.[1]?.toLowerCase();
  if ((ext && ext !== 'csv' && ext !== 'txt') || !ALLOWED_TYPES.has(file.mimetype.toLowerCase())) return { ok: false, error: { key: 'import.errors.notCsv' } };
  return decodeText(file.buffer);
}

/** UTF-8 with or without a byte-order mark; NUL bytes or invalid UTF-8 mean a binary or legacy-encoded file. */
export function decodeText(buffer: Buffer): { ok: true; text: string } | { ok: false; error: Problem } {
  if (buffer.includes(0)) return { ok: false, error: { key: 'import.errors.notCsv' } };
  try {
    return { ok: true, text: stripBom(new TextDecoder('utf-8', { fatal: true }).decode(buffer)) };
  } catch {
    return { ok: false, error: { key: 'import.errors.encoding' } };
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Semicolons when the header line has more of them than commas (Excel in many European locales). */
export function detectDelimiter(text: string): ',' | ';' {
  const header = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

export function parseCsv(input: string): ParseResult {
  // One kind of line break, so line numbers match what an editor shows even in mixed files.
  const text = stripBom(input).replace(/\r\n?/g, '\n');
  if (text.includes('\u0000')) return { ok: false, error: { key: 'import.errors.notCsv' } };
  if (text.trim() === '') return { ok: false, error: { key: 'import.errors.empty' } };
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  let lastEnd = 0;
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return record;
      },
    }) as unknown as typeof records;
  } catch {
    // Only an unclosed quote gets here: it starts the record after the last complete one.
    return { ok: false, error: { key: 'import.errors.malformed', params: { line: lastEnd + 1 } } };
  }

  // info.lines is where a record ends; a record starts on the line after the previous one ended.
  let previousEnd = 0;
  const located = records.map(({ record, info }) => {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    return { line, record };
  });
  const nonEmpty = located.filter(({ record }) => record.some((f) => f.trim() !== ''));
  const header = nonEmpty.shift();
  if (!header) return { ok: false, error: { key: 'import.errors.empty' } };
  const columns = header.record.map((h) => ALIASES[h.trim().toLowerCase()] ?? null);
  if (!columns.includes('email')) return { ok: false, error: { key: 'import.errors.noEmailColumn' } };
  if (nonEmpty.length === 0) return { ok: false, error: { key: 'import.errors.noRows' } };
  if (nonEmpty.length > MAX_ROWS) return { ok: false, error: { key: 'import.errors.tooManyRows', params: { max: MAX_ROWS, count: nonEmpty.length } } };

  const seen = new Map<string, number>();
  const rows = nonEmpty.map(({ line, record }) => {
    const row = readRow(line, record, columns, header.record.length);
    if (!row.error) {
      const first = seen.get(row.email);
      if (first !== undefined) row.error = { key: 'import.rowErrors.duplicate', params: { line: first } };
      else seen.set(row.email, line);
    }
    return row;
  });
  return { ok: true, rows, delimiter };
}

function readRow(line: number, record: string[], columns: (Column | null)[], width: number): CsvRow {
  const value = (column: Column) => {
    const i = columns.indexOf(column);
    return i >= 0 ? (record[i] ?? '').trim() : '';
  };
  const rawEmail = value('email');
  const row: CsvRow = {
    line,
    email: rawEmail.toLowerCase(),
    name: value('name'),
    school: value('school'),
    region: value('region'),
    country: value('country'),
    language: null,
  };
  const extra = record.slice(width).filter((f) => f.trim() !== '').length;
  if (extra > 0) return { ...row, error: { key: 'import.rowErrors.extraColumns', params: { count: record.length, expected: width } } };
  if (rawEmail === '') return { ...row, error: { key: 'import.rowErrors.missingEmail' } };
  const email = emailField.safeParse(rawEmail);
  if (!email.success) return { ...row, error: { key: 'import.rowErrors.invalidEmail' } };
  row.email = email.data;
  for (const [field, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    if (row[field].length > max) return { ...row, error: { key: 'import.rowErrors.tooLong', params: { field, max } } };
  }
  const language = value('language').toLowerCase();
  if (language !== '') {
    // "en", "English", "русский" and locale tags such as "ru-RU" are all understood.
    const code = LANGUAGE_NAMES[language] ?? (/^(en|ru)[-_]/.test(language) ? (language.slice(0, 2) as Language) : undefined);
    if (!code) {
      return { ...row, error: { key: 'import.rowErrors.language', params: { value: value('language').slice(0, 40) } } };
    }
    row.language = code;
  }
  return row;
}

export type Outcome = 'new' | 'existing' | 'member' | 'error';
export interface PlannedRow extends CsvRow {
  outcome: Outcome;
  userId: number | null;
}
export interface Plan {
  rows: PlannedRow[];
  counts: Record<Outcome, number>;
}
export interface KnownUser {
  id: number;
  member: boolean;
}

/** What would happen to each row, given the accounts that already exist (keyed by lower-case email). */
export function planImport(rows: CsvRow[], known: Map<string, KnownUser>): Plan {
  const counts: Record<Outcome, number> = { new: 0, existing: 0, member: 0, error: 0 };
  const planned = rows.map((row): PlannedRow => {
    const user = row.error ? undefined : known.get(row.email);
    const outcome: Outcome = row.error ? 'error' : !user ? 'new' : user.member ? 'member' : 'existing';
    counts[outcome]++;
    return { ...row, outcome, userId: user?.id ?? null };
  });
  return { rows: planned, counts };
}

/** The name a new account gets when the row has none: the part of the address before the @. */
export function displayName(row: CsvRow): string {
  return row.name || row.email.split('@')[0] || row.email;
}
