import type { Response } from 'express';

// Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return
// that hides such a start) as a formula: a school named =HYPERLINK(...) could otherwise
// leak data or run commands on the reader's machine (CSV/formula injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes a single quote to text a spreadsheet would treat as a formula; other text and
 * non-text values are returned unchanged. Every CSV and XLSX export passes its cells through this.
 */
export function neutraliseFormula<T>(value: T): T {
  return typeof value === 'string' && FORMULA_START.test(value) ? (`'${value}` as T) : value;
}

/** Excel wants a byte-order mark to read a CSV file as UTF-8 (Cyrillic names). */
export const CSV_BOM = '\uFEFF';

export type CsvSeparator = ',' | ';';
export type CsvValue = string | number | null;

/**
 * The field separator of a CSV download. Excel splits a .csv at the list separator of the
 * reader's regional settings: ';' in Russian (where ',' is the decimal mark), ',' elsewhere.
 * So the interface language picks the default and `?sep=comma|semicolon` overrides it.
 */
export function csvSeparator(res: Response): CsvSeparator {
  const sep = res.req.query.sep;
  if (sep === 'semicolon') return ';';
  if (sep === 'comma') return ',';
  return res.locals.lang === 'ru' ? ';' : ',';
}

/**
 * One CSV field. Text is always quoted: an unquoted `x;=cmd|...` in a comma file is two cells,
 * the second a formula, for an Excel that splits at ';' (and the reverse for ',' in a ';' file).
 * Numbers come from the application and stay bare; in a ';' file they get a decimal comma,
 * because that Excel reads 12.5 as a date (12 May). Empty text needs no quotes.
 */
export function csvField(value: CsvValue, sep: CsvSeparator): string {
  if (value === null || value === '') return '';
  if (typeof value === 'number') return sep === ';' ? String(value).replace('.', ',') : String(value);
  const text = neutraliseFormula(value);
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

/** One CSV record, CRLF-terminated as RFC 4180 and Excel expect. */
export function csvRow(values: readonly CsvValue[], sep: CsvSeparator): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? sep : '') + csvField(values[i]!, sep);
  return `${line}\r\n`;
}

const SHEET_NAME_MAX = 31;
// Control characters too: they cannot be written into the workbook's XML.
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\\p{Cc}]+/gu;

/** At most `max` UTF-16 units, never splitting a surrogate pair; no apostrophe or space at either end. */
function tidySheetName(text: string, max: number): string {
  let name = '';
  for (const ch of text.replace(SHEET_NAME_FORBIDDEN, ' ').trim()) {
    if (name.length + ch.length > max) break;
    name += ch;
  }
  return name.replace(/^[\s']+|[\s']+$/g, '');
}

/**
 * Names the sheets of one workbook the way Excel accepts them (it calls the file corrupt
 * otherwise): 1-31 characters, none of []:*?/\, no apostrophe first or last, not "History"
 * (kept for change tracking), no two alike ignoring case. A clash gets " (2)", " (3)"...
 */
export function sheetNamer(): (wanted: string, fallback?: string) => string {
  const taken = new Set(['history']);
  return (wanted, fallback = 'Sheet') => {
    const base = tidySheetName(wanted, SHEET_NAME_MAX) || tidySheetName(fallback, SHEET_NAME_MAX) || 'Sheet';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = tidySheetName(base, SHEET_NAME_MAX - suffix.length) + suffix;
    }
    taken.add(name.toLowerCase());
    return name;
  };
}
