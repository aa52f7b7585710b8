// The column headings of an enrolment list. Spreadsheets made by people use many spellings;
// Russian headings are common in our schools. Headings compare case- and space-insensitively.

export const FIELDS = ['email', 'name', 'family', 'given', 'patronymic', 'school', 'schoolCode', 'region', 'country', 'language'] as const;
export type Field = (typeof FIELDS)[number];

/** Lower case, ё as е, without spaces, dots, hyphens, underscores, asterisks and colons. */
export function foldHeading(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[\s.\-_*:\u00a0]+/g, '');
}

const SPELLINGS: Record<Field, string[]> = {
  email: [
    'email',
    'mail',
    'email address',
    'почта',
    'эл. почта',
    'электронная почта',
    'e-mail адрес',
    'адрес e-mail',
    'адрес электронной почты',
    'адрес эл. почты',
    'электронный адрес',
    'эл. адрес',
  ],
  name: [
    'name',
    'full name',
    'фио',
    'фамилия и имя',
    'фамилия имя отчество',
    'фамилия, имя, отчество',
    'фио участника',
    'фио педагога',
    'фио учителя',
    'полное имя',
  ],
  family: ['фамилия', 'last name', 'surname', 'family name'],
  given: ['имя', 'first name', 'given name'],
  patronymic: ['отчество', 'middle name', 'patronymic'],
  school: [
    'school',
    'школа',
    'образовательная организация',
    'оо',
    'образовательное учреждение',
    'организация',
    'учреждение',
    'место работы',
    'organisation',
    'organization',
  ],
  schoolCode: ['school code', 'school_code', 'код школы', 'код оо', 'код организации', 'код образовательной организации'],
  region: ['region', 'регион', 'субъект рф', 'субъект российской федерации', 'субъект', 'область', 'state', 'province'],
  country: ['country', 'страна'],
  language: ['language', 'lang', 'язык', 'язык интерфейса'],
};

const ALIASES = new Map<string, Field>(Object.entries(SPELLINGS).flatMap(([field, names]) => names.map((n) => [foldHeading(n), field as Field] as const)));

export function fieldOf(heading: string): Field | null {
  return ALIASES.get(foldHeading(heading)) ?? null;
}

export interface Columns {
  /** Column index of each field the file has (the first column of that field wins). */
  index: Partial<Record<Field, number>>;
  /** Family name before the given name, as in Russian lists (a Cyrillic "Фамилия" heading). */
  familyFirst: boolean;
  /** Columns that are not read: named in the preview. */
  unused: { column: number; heading: string }[];
}

/** Maps a header row to fields; null when it has no email column (so it is not the header row). */
export function mapColumns(header: string[]): Columns | null {
  const index: Partial<Record<Field, number>> = {};
  const unused: Columns['unused'] = [];
  header.forEach((heading, column) => {
    const field = fieldOf(heading);
    if (field && index[field] === undefined) index[field] = column;
    else unused.push({ column, heading: heading.trim() });
  });
  if (index.email === undefined) return null;
  const family = index.family === undefined ? '' : (header[index.family] ?? '');
  return { index, familyFirst: /[а-яё]/i.test(family), unused };
}

/** The full name of a row: the name column, else family, given and patronymic names joined. */
export function joinName(value: (field: Field) => string, columns: Columns): string {
  const whole = value('name');
  if (whole) return whole;
  const parts = columns.familyFirst ? [value('family'), value('given'), value('patronymic')] : [value('given'), value('patronymic'), value('family')];
  return parts.filter(Boolean).join(' ');
}
