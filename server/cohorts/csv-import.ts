import { parse } from 'csv-parse/sync';
import { emailField } from '../auth/schemas.ts';
import { type Decoded, decodeBytes } from './encodings.ts';
import { type Columns, type Field, joinName, mapColumns } from './headings.ts';

// Parsing and planning a CSV enrolment: pure functions, no database. The routes look up the
// e-mail addresses (queries.ts) and enrol.ts applies the plan in one transaction.

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const MAX_ROWS = 10_000;
// The text read from a file travels with the preview form. Cyrillic from a Windows-1251 file or
// a spreadsheet takes up to twice the bytes of the file as UTF-8.
export const MAX_TEXT_BYTES = 2 * MAX_UPLOAD_BYTES;

export type Language = 'en' | 'ru';
export interface Problem {
  key: string; // cohorts:import.* translation key
  params?: Record<string, string | number>;
  file?: string; // the uploaded file's name, shown with the message
}

export interface CsvRow {
  line: number; // 1-based line of the file where the row starts
  email: string;
  name: string;
  school: string;
  /** The school's national code, when the file has a column for it: matched in the registry before the name. */
  schoolCode: string;
  region: string;
  country: string;
  language: Language | null;
  record: string[]; // every field of the row as the file has it, for the download of rows with errors
  error?: Problem;
}

export interface UnusedColumn {
  column: number; // 1-based
  heading: string; // '' when the column has values but no heading
}
export type ParseResult = { ok: true; rows: CsvRow[]; delimiter: Delimiter; header: string[]; unused: UnusedColumn[] } | { ok: false; error: Problem };

// A title or a note may stand above the row of headings (a sheet printed for people): it is
// looked for among the first rows that are not empty.
export const HEADER_SEARCH_ROWS = 10;
const LIMITS: Record<'name' | 'school' | 'region' | 'country', number> = { name: 120, school: 200, region: 120, country: 120 };
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

/** Checks a text upload's name, type and bytes and decodes it (UTF-8, UTF-16 or Windows-1251). */
export function decodeUpload(file: { originalname: string; mimetype: string; buffer: Buffer }): Decoded {
  const ext = /\.([^./\\]+)$/.exec(file.originalname)?.[1]?.toLowerCase();
  if ((ext && ext !== 'csv' && ext !== 'txt') || !ALLOWED_TYPES.has(file.mimetype.toLowerCase())) return { ok: false, error: { key: 'import.errors.notCsv' } };
  return decodeText(file.buffer);
}

/** Text bytes in one of the encodings of encodings.ts; NUL bytes mean a binary file. */
export function decodeText(buffer: Buffer): Decoded {
  return decodeBytes(buffer);
}

export type Delimiter = ',' | ';' | '\t';
const DELIMITERS: Delimiter[] = [',', ';', '\t'];

/**
 * Semicolons when the header line has more of them than commas (Excel in many European locales);
 * tabs when it has more of them than either (Excel's "Unicode text" is UTF-16 with tabs).
 */
export function detectDelimiter(text: string): Delimiter {
  const header = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
    else if (!quoted && c === '\t') tabs++;
  }
  if (tabs > commas && tabs > semicolons) return '\t';
  return semicolons > commas ? ';' : ',';
}

export type Located = { line: number; record: string[] };

function records(text: string, delimiter: Delimiter): Located[] | { malformed: number } {
  let parsed: { record: string[]; info: { lines: number } }[];
  let lastEnd = 0;
  try {
    parsed = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return record;
      },
    }) as unknown as typeof parsed;
  } catch {
    // Only an unclosed quote gets here: it starts the record after the last complete one.
    return { malformed: lastEnd + 1 };
  }
  // info.lines is where a record ends; a record starts on the line after the previous one ended.
  let previousEnd = 0;
  return parsed
    .map(({ record, info }) => {
      const line = previousEnd + 1;
      previousEnd = info.lines;
      return { line, record };
    })
    .filter(({ record }) => record.some((f) => f.trim() !== ''));
}

/** The row of headings among the first rows, with its columns; the rows below it. */
function findHeader<C>(rows: Located[], mapHeader: (record: string[]) => C | null): { header: Located; columns: C; body: Located[] } | null {
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const columns = mapHeader(rows[i]!.record);
    if (columns) return { header: rows[i]!, columns, body: rows.slice(i + 1) };
  }
  return null;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export type Table<C> = { ok: true; header: Located; columns: C; body: Located[]; delimiter: Delimiter } | { ok: false; error: Problem };

/**
 * The rows of a CSV text below its row of headings, which `mapHeader` recognises (the enrolment
 * list and the organisation registry have their own headings); `noHeaderKey` names the failure.
 */
export function readTable<C>(input: string, mapHeader: (record: string[]) => C | null, limits: { maxRows: number; noHeaderKey: string }): Table<C> {
  // One kind of line break, so line numbers match what an editor shows even in mixed files.
  const text = stripBom(input).replace(/\r\n?/g, '\n');
  if (text.includes('\u0000')) return { ok: false, error: { key: 'import.errors.notCsv' } };
  if (text.trim() === '') return { ok: false, error: { key: 'import.errors.empty' } };
  // The separator is guessed from the first line; a title line above the headings may mislead
  // the guess, so the other separators are tried when no row of headings is found.
  const first = detectDelimiter(text);
  let found: ReturnType<typeof findHeader<C>> = null;
  let delimiter = first;
  let malformed: number | null = null;
  for (const candidate of [first, ...DELIMITERS.filter((d) => d !== first)]) {
    const located = records(text, candidate);
    if (!Array.isArray(located)) {
      malformed ??= located.malformed;
      continue;
    }
    if (located.length === 0) return { ok: false, error: { key: 'import.errors.empty' } };
    found = findHeader(located, mapHeader);
    if (found) {
      delimiter = candidate;
      break;
    }
  }
  if (!found && malformed !== null) return { ok: false, error: { key: 'import.errors.malformed', params: { line: malformed } } };
  if (!found) return { ok: false, error: { key: limits.noHeaderKey, params: { rows: HEADER_SEARCH_ROWS } } };
  if (found.body.length === 0) return { ok: false, error: { key: 'import.errors.noRows' } };
  if (found.body.length > limits.maxRows)
    return { ok: false, error: { key: 'import.errors.tooManyRows', params: { max: limits.maxRows, count: found.body.length } } };
  return { ok: true, ...found, delimiter };
}

export function parseCsv(input: string): ParseResult {
  const table = readTable(input, mapColumns, { maxRows: MAX_ROWS, noHeaderKey: 'import.errors.noEmailColumn' });
  if (!table.ok) return table;
  const { header, columns, body, delimiter } = table;

  const seen = new Map<string, number>();
  const rows = body.map(({ line, record }) => {
    const row = readRow(line, record, columns, header.record.length);
    if (!row.error) {
      const first = seen.get(row.email);
      if (first !== undefined) row.error = { key: 'import.rowErrors.duplicate', params: { line: first } };
      else seen.set(row.email, line);
    }
    return row;
  });
  // A column is named when it has a heading, or values without one: never silently left out.
  const unused = columns.unused
    .filter(({ column, heading }) => heading !== '' || body.some(({ record }) => (record[column] ?? '').trim() !== ''))
    .map(({ column, heading }) => ({ column: column + 1, heading: heading.slice(0, 80) }));
  return { ok: true, rows, delimiter, header: header.record, unused };
}

function readRow(line: number, record: string[], columns: Columns, width: number): CsvRow {
  const value = (field: Field) => {
    const i = columns.index[field];
    return i === undefined ? '' : (record[i] ?? '').trim();
  };
  const rawEmail = value('email');
  const row: CsvRow = {
    line,
    email: rawEmail.toLowerCase(),
    name: joinName(value, columns),
    school: value('school'),
    schoolCode: value('schoolCode').slice(0, 64),
    region: value('region'),
    country: value('country'),
    language: null,
    record,
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
