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
