// What the spreadsheet-safety tests check exports against: Excel's behaviour, written out
// independently of server/http/spreadsheet.ts.

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
