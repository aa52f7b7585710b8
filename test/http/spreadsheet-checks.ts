// What the spreadsheet-safety tests check exports against: Excel's behaviour, written out
// independently of server/http/spreadsheet.ts.
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

export const SEMICOLON_ATTACK = "x;=cmd|' /C calc'!A0";
export const COMMA_ATTACK = "x,=cmd|' /C calc'!A0";

/**
 * How Excel cuts a line into cells at `sep` (outside double quotes), so a test can look at
 * each cell's start: a cell that starts with = + - @ is run as a formula.
 */
export function excelCells(line: string, sep: string): string[] {
  const cells = [''];
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) cells.push('');
    else cells[cells.length - 1] += ch;
  }
  return cells;
}

/** Excel's rules for a sheet name, written out independently of sheetNamer. */
export function excelAcceptsSheetName(name: string, others: string[] = []): boolean {
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  return (
    name.length >= 1 &&
    name.length <= 31 &&
    !/[[\]:*?/\\]/.test(name) &&
    !name.startsWith("'") &&
    !name.endsWith("'") &&
    name.toLowerCase() !== 'history' &&
    !loneSurrogate.test(name) &&
    !others.some((o) => o.toLowerCase() === name.toLowerCase())
  );
}

/**
 * A CSV export as rows, after checking what Excel would make of it: a byte-order mark, and no
 * cell that starts a formula whichever separator Excel splits at.
 */
export function readCsv(text: string, sep: ',' | ';'): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  for (const line of text.slice(1).split('\r\n')) {
    for (const excelSep of [',', ';']) for (const cell of excelCells(line, excelSep)) expect(cell).not.toMatch(/^[=+\-@]/);
  }
  return parse(text, { bom: true, delimiter: sep, relax_column_count: true });
}

/** The attack row of a comma and a semicolon export reads back as the original text, neutralised. */
export function expectAttackRoundTrip(comma: { text: string }, semicolon: { text: string }): void {
  for (const [res, sep] of [
    [comma, ','],
    [semicolon, ';'],
  ] as const) {
    const row = readCsv(res.text, sep).find((r) => r[1] === 'attack@school.org')!;
    expect(row[0]).toBe(SEMICOLON_ATTACK);
    expect(row[2]!.replace(/^'/, '')).toBe('=1+1');
  }
}
