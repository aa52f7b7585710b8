import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvRow, sheetNamer } from '../../server/http/spreadsheet.ts';
import { COMMA_ATTACK, excelAcceptsSheetName, excelCells, SEMICOLON_ATTACK } from './spreadsheet-checks.ts';

describe('csvField', () => {
  it('quotes every text field, so neither separator inside it can start a new cell', () => {
    expect(csvField(SEMICOLON_ATTACK, ',')).toBe(`"${SEMICOLON_ATTACK}"`);
    expect(csvField(COMMA_ATTACK, ';')).toBe(`"${COMMA_ATTACK}"`);
    expect(csvField('Plain', ',')).toBe('"Plain"');
    expect(csvField('say "hi"', ';')).toBe('"say ""hi"""');
  });

  it('neutralises text that starts a formula, inside the quotes', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(csvField(text, ',')).toBe(`"'${text}"`);
  });

  it('leaves numbers bare, with a decimal comma in a ; file (Excel there reads 12.5 as 12 May)', () => {
    expect(csvField(12.5, ',')).toBe('12.5');
    expect(csvField(12.5, ';')).toBe('12,5');
    expect(csvField(-3, ';')).toBe('-3');
    expect(csvField('', ',')).toBe('');
    expect(csvField(null, ';')).toBe('');
  });
});

describe('csvRow', () => {
  it('gives cells that csv-parse reads back with the same separator, and Excel never splits into a formula', () => {
    const values = [SEMICOLON_ATTACK, COMMA_ATTACK, '=1+1', 'Иван', 7, 33.3, ''];
    for (const sep of [',', ';'] as const) {
      const line = csvRow(values, sep);
      expect(line.endsWith('\r\n')).toBe(true);
      const [parsed] = parse(line, { delimiter: sep }) as string[][];
      expect(parsed).toEqual([SEMICOLON_ATTACK, COMMA_ATTACK, "'=1+1", 'Иван', '7', sep === ';' ? '33,3' : '33.3', '']);
      // Opened by an Excel whose list separator is either one.
      for (const excelSep of [',', ';']) {
        for (const cell of excelCells(line.trimEnd(), excelSep)) expect(cell).not.toMatch(/^[=+\-@]/);
      }
    }
  });
});

describe('sheetNamer', () => {
  it('makes any name one Excel accepts, unique within the workbook', () => {
    const name = sheetNamer();
    const given: string[] = [];
    const wanted = ["'x'", 'History', 'HISTORY', 'a/b:c*d?[e]', 'x', 'X', `${'a'.repeat(30)}😀bcdefghij`, "'''", '', 'tab\there', 'x'];
    for (const w of wanted) {
      const n = name(w, 'Progress');
      expect(excelAcceptsSheetName(n, given), `${JSON.stringify(w)} -> ${JSON.stringify(n)}`).toBe(true);
      given.push(n);
    }
    expect(given).toEqual(['x', 'History (2)', 'HISTORY (3)', 'a b c d e', 'x (2)', 'X (3)', 'a'.repeat(30), 'Progress', 'Progress (2)', 'tab here', 'x (4)']);
  });

  it('shortens a long name to make room for the number that keeps it unique', () => {
    const name = sheetNamer();
    const long = 'Cohort of spring 2026 in Yakutsk region';
    expect(name(long)).toBe(long.slice(0, 31));
    expect(name(long)).toBe(`${long.slice(0, 27)} (2)`);
  });
});
