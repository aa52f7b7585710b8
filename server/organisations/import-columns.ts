import { HEADER_SEARCH_ROWS, type Located, type Problem, readTable } from '../cohorts/csv-import.ts';
import { foldHeading } from '../cohorts/headings.ts';
import type { OrganisationKind } from '../db/schema.ts';

// The columns of a registry import and the rows read from them: pure functions, no database
// (import-plan.ts looks the rows up in the registry). Headings in English or Russian.

export const REGISTRY_FIELDS = ['kind', 'code', 'name_en', 'name_ru', 'parent_code'] as const;
export type RegistryField = (typeof REGISTRY_FIELDS)[number];

/** 50,000 schools and their regions and countries in one file. */
export const MAX_REGISTRY_ROWS = 60_000;
export const MAX_REGISTRY_UPLOAD_BYTES = 12 * 1024 * 1024;
// Cyrillic from a Windows-1251 file takes twice the bytes as UTF-8 text (see cohorts' MAX_TEXT_BYTES).
export const MAX_REGISTRY_TEXT_BYTES = 2 * MAX_REGISTRY_UPLOAD_BYTES;
const MAX_NAME = 300;
const MAX_CODE = 64;

const SPELLINGS: Record<RegistryField, string[]> = {
  kind: ['kind', 'type', 'level', 'тип', 'вид', 'уровень'],
  code: ['code', 'national code', 'код', 'номер', 'код организации'],
  name_en: [
    'name_en',
    'name en',
    'name (en)',
    'english name',
    'name in english',
    'название en',
    'название (англ)',
    'название на английском',
    'наименование на английском',
  ],
  name_ru: [
    'name_ru',
    'name ru',
    'name (ru)',
    'russian name',
    'name in russian',
    'название',
    'наименование',
    'название ru',
    'название (рус)',
    'название на русском',
    'наименование на русском',
  ],
  parent_code: ['parent_code', 'parent code', 'parent', 'код родителя', 'родитель', 'код вышестоящей', 'код вышестоящей организации', 'входит в'],
};

/** foldHeading, and brackets and commas too: "Name (EN)" is "nameen". */
const fold = (heading: string) => foldHeading(heading).replace(/[(),]/g, '');
const ALIASES = new Map<string, RegistryField>(
  Object.entries(SPELLINGS).flatMap(([field, names]) => names.map((n) => [fold(n), field as RegistryField] as const)),
);

const KINDS = new Map<string, OrganisationKind>([
  ['country', 'country'],
  ['страна', 'country'],
  ['государство', 'country'],
  ['region', 'region'],
  ['регион', 'region'],
  ['субъект', 'region'],
  ['область', 'region'],
  ['school', 'school'],
  ['школа', 'school'],
  ['оо', 'school'],
]);

export function kindOf(value: string): OrganisationKind | null {
  return KINDS.get(value.trim().toLowerCase().replaceAll('ё', 'е')) ?? null;
}

export interface RegistryColumns {
  index: Partial<Record<RegistryField, number>>;
  unused: { column: number; heading: string }[];
}

/** The registry's row of headings: a kind column and a name column; null for any other row. */
export function mapRegistryColumns(header: string[]): RegistryColumns | null {
  const index: RegistryColumns['index'] = {};
  const unused: RegistryColumns['unused'] = [];
  header.forEach((heading, column) => {
    const field = ALIASES.get(fold(heading));
    if (field && index[field] === undefined) index[field] = column;
    else unused.push({ column, heading: heading.trim() });
  });
  if (index.kind === undefined || (index.name_en === undefined && index.name_ru === undefined)) return null;
  return { index, unused };
}

export const isRegistryHeader = (fields: string[]) => mapRegistryColumns(fields) !== null;

/** A row's problem, with the column it is in ('row' for the row as a whole). */
export interface RowProblem extends Problem {
  field: RegistryField | 'row';
}

export interface RegistryRow {
  line: number;
  kind: OrganisationKind | null;
  code: string | null;
  nameEn: string;
  nameRu: string;
  parentCode: string | null;
  record: string[];
  error?: RowProblem;
}

export type RegistryParse = { ok: true; rows: RegistryRow[]; header: string[]; unused: { column: number; heading: string }[] } | { ok: false; error: Problem };

const rowError = (field: RowProblem['field'], key: string, params?: Problem['params']): RowProblem => ({ field, key: `import.rowErrors.${key}`, params });

function readRow({ line, record }: Located, columns: RegistryColumns, width: number): RegistryRow {
  const value = (field: RegistryField) => {
    const i = columns.index[field];
    // Inner runs of spaces are one space: a name typed twice the same way is the same name.
    return i === undefined ? '' : (record[i] ?? '').trim().replace(/\s+/g, ' ');
  };
  const typedKind = value('kind');
  const row: RegistryRow = {
    line,
    kind: kindOf(typedKind),
    code: value('code') || null,
    nameEn: value('name_en'),
    nameRu: value('name_ru'),
    parentCode: value('parent_code') || null,
    record,
  };
  const fail = (error: RowProblem) => ({ ...row, error });
  const extra = record.slice(width).filter((f) => f.trim() !== '').length;
  if (extra > 0) return fail(rowError('row', 'extraColumns', { count: record.length, expected: width }));
  if (!row.kind) return fail(typedKind ? rowError('kind', 'unknownKind', { value: typedKind.slice(0, 40) }) : rowError('kind', 'missingKind'));
  if (!row.nameEn && !row.nameRu) return fail(rowError(columns.index.name_en === undefined ? 'name_ru' : 'name_en', 'missingName'));
  for (const [field, text, max] of [
    ['name_en', row.nameEn, MAX_NAME],
    ['name_ru', row.nameRu, MAX_NAME],
    ['code', row.code ?? '', MAX_CODE],
    ['parent_code', row.parentCode ?? '', MAX_CODE],
  ] as const) {
    if (text.length > max) return fail(rowError(field, 'tooLong', { max }));
  }
  if (row.kind === 'country' && row.parentCode) return fail(rowError('parent_code', 'countryParent'));
  return row;
}

/** The rows of a registry list (CSV text, as the reader made it from CSV or XLSX). */
export function parseRegistryCsv(text: string): RegistryParse {
  const table = readTable(text, mapRegistryColumns, { maxRows: MAX_REGISTRY_ROWS, noHeaderKey: 'import.errors.noHeader' });
  if (!table.ok) return table;
  const { header, columns, body } = table;
  const rows = body.map((located) => readRow(located, columns, header.record.length));
  const unused = columns.unused
    .filter(({ column, heading }) => heading !== '' || body.some(({ record }) => (record[column] ?? '').trim() !== ''))
    .map(({ column, heading }) => ({ column: column + 1, heading: heading.slice(0, 80) }));
  return { ok: true, rows, header: header.record, unused };
}

export { HEADER_SEARCH_ROWS };
