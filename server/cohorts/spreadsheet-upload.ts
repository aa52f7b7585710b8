import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { decodeUpload, HEADER_SEARCH_ROWS, MAX_ROWS, MAX_TEXT_BYTES, type Problem } from './csv-import.ts';
import type { Encoding } from './encodings.ts';
import { mapColumns } from './headings.ts';

// An uploaded list, CSV or XLSX, read into CSV text: the text the preview carries to the
// confirmation and to the download of rows with errors. An XLSX row N is line N of that text
// (line breaks inside cells become spaces), so row numbers match what Excel shows.

export type ReadAs = Encoding | 'xlsx';
export type Upload = { ok: true; text: string; readAs: ReadAs } | { ok: false; error: Problem };
type File = { originalname: string; mimetype: string; buffer: Buffer };

/** What differs between lists (the enrolment list here, the organisation registry elsewhere). */
export interface ReadOptions {
  /** Is this row the row of headings? Defaults to the enrolment headings (an email column). */
  isHeader?: (fields: string[]) => boolean;
  maxRows?: number;
  maxTextBytes?: number;
  maxUnzippedBytes?: number;
}
const enrolmentHeader = (fields: string[]) => mapColumns(fields) !== null;

/** Above this many bytes of unpacked XML a small XLSX is a zip bomb, not a list of teachers. */
export const MAX_UNZIPPED_BYTES = 20 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 1000;
const LEGACY_EXT = /\.(xls|ods|numbers|xlsb)$/i;
const XLSX_EXT = /\.(xlsx|xlsm)$/i;

const fail = (key: string, params?: Problem['params']): Upload => ({ ok: false, error: { key: `import.errors.${key}`, params } });

export async function readUpload(file: File, options: ReadOptions = {}): Promise<Upload> {
  const magic = file.buffer.subarray(0, 4).toString('hex');
  // An OLE compound file: a legacy .xls, or an XLSX encrypted with a password (Excel wraps those).
  if (magic === 'd0cf11e0') {
    const encrypted = file.buffer.includes(Buffer.from('EncryptedPackage', 'utf16le')) || XLSX_EXT.test(file.originalname);
    return fail(encrypted ? 'encrypted' : 'legacy');
  }
  if (magic === '504b0304') return readXlsx(file.buffer, options);
  if (LEGACY_EXT.test(file.originalname)) return fail('legacy');
  if (XLSX_EXT.test(file.originalname) || file.mimetype.includes('spreadsheetml')) return fail('notXlsx');
  const decoded = decodeUpload(file);
  return decoded.ok ? { ok: true, text: decoded.text, readAs: decoded.encoding } : decoded;
}

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  offset: number;
}

/** The entries of a zip's central directory; null when it cannot be read. */
function zipEntries(buffer: Buffer): ZipEntry[] | null {
  const from = Math.max(0, buffer.length - 22 - 0xffff);
  let end = -1;
  for (let i = buffer.length - 22; i >= from; i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  if (count > MAX_ZIP_ENTRIES) return null;
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLength = buffer.readUInt16LE(at + 28);
    entries.push({
      method: buffer.readUInt16LE(at + 10),
      compressed: buffer.readUInt32LE(at + 20),
      offset: buffer.readUInt32LE(at + 42),
      name: buffer.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return entries;
}

/**
 * Unpacks every entry with a bound on the output (declared sizes can lie), so memory stays
 * bounded; 'big' when the whole would pass MAX_UNZIPPED_BYTES.
 */
function checkZip(buffer: Buffer, maxUnzippedBytes: number): 'ok' | 'big' | 'broken' | 'notXlsx' | 'legacy' {
  const entries = zipEntries(buffer);
  if (!entries) return 'broken';
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('xl/workbook.xml')) return names.has('content.xml') || names.has('Index/Document.iwa') ? 'legacy' : 'notXlsx';
  let budget = maxUnzippedBytes;
  for (const entry of entries) {
    const local = entry.offset;
    if (local + 30 > buffer.length || buffer.readUInt32LE(local) !== 0x04034b50) return 'broken';
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + entry.compressed);
    let size: number;
    if (entry.method === 0) size = data.length;
    else if (entry.method === 8) {
      try {
        size = inflateRawSync(data, { maxOutputLength: budget + 1 }).length;
      } catch (err) {
        return err instanceof RangeError ? 'big' : 'broken';
      }
    } else return 'broken';
    budget -= size;
    if (budget < 0) return 'big';
  }
  return 'ok';
}

type CellValue = ExcelJS.CellValue;

/** What a person sees in a cell, as text; null for a formula (the list must hold values). */
function cellText(value: CellValue): string | null {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  if ('formula' in value || 'sharedFormula' in value) return null;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as CellValue);
  if ('error' in value) return String(value.error);
  return '';
}

async function readXlsx(buffer: Buffer, options: ReadOptions): Promise<Upload> {
  const { isHeader = enrolmentHeader, maxRows = MAX_ROWS, maxTextBytes = MAX_TEXT_BYTES, maxUnzippedBytes = MAX_UNZIPPED_BYTES } = options;
  const zip = checkZip(buffer, maxUnzippedBytes);
  if (zip === 'big') return fail('unzippedTooLarge', { max: `${maxUnzippedBytes / 1024 / 1024} MB` });
  if (zip === 'legacy') return fail('legacy');
  if (zip !== 'ok') return fail('notXlsx');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer, {
      ignoreNodes: ['dataValidations', 'conditionalFormatting', 'drawing', 'picture', 'tableParts'],
    });
  } catch {
    return fail('notXlsx');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.actualRowCount === 0) return fail('empty');
  if (sheet.actualRowCount > maxRows + HEADER_SEARCH_ROWS + 1) return fail('tooManyRows', { max: maxRows, count: sheet.actualRowCount - 1 });

  // Each row's cells as text; null marks a formula, reported once the headings are known.
  const lines: (string | null)[][] = [];
  let width = 0;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const fields: (string | null)[] = [];
    for (let c = 1; c <= row.cellCount; c++) fields.push(cellText(row.getCell(c).value)?.replace(/[\r\n\t]+/g, ' ') ?? null);
    while (fields.length && fields[fields.length - 1] === '') fields.pop();
    width = Math.max(width, fields.length);
    lines.push(fields);
  }
  const texts = (fields: (string | null)[]) => fields.map((f) => f ?? '');
  const headerIndex = lines.findIndex((fields) => fields.length > 0 && isHeader(texts(fields)));
  const nonEmptyAbove = lines.slice(0, Math.max(headerIndex, 0)).filter((f) => f.length > 0).length;
  const header = headerIndex >= 0 && nonEmptyAbove < HEADER_SEARCH_ROWS ? texts(lines[headerIndex]!) : null;
  for (const [i, fields] of lines.entries()) {
    const c = fields.indexOf(null);
    if (c < 0) continue;
    const cell = sheet.getRow(i + 1).getCell(c + 1).address;
    return fail('formula', { cell, row: i + 1, column: header?.[c]?.trim() || cell.replace(/\d+$/, '') });
  }
  if (!header) return fail('noHeaderRow', { rows: HEADER_SEARCH_ROWS });
  const headerRow = headerIndex + 1;
  for (const range of (sheet.model.merges ?? []) as string[]) {
    const rows = range.match(/\d+/g)?.map(Number) ?? [];
    if (rows.length === 2 && rows[0]! <= headerRow && headerRow <= rows[1]!) return fail('mergedHeader', { cells: range, row: headerRow });
  }
  const quote = (f: string | null) => (f ? `"${f.replaceAll('"', '""')}"` : '');
  let text = '';
  for (const fields of lines) {
    if (fields.length > 0) while (fields.length < width) fields.push('');
    text += `${fields.map(quote).join(',')}\n`;
  }
  if (Buffer.byteLength(text) > maxTextBytes) return fail('textTooLarge', { max: `${maxTextBytes / 1024 / 1024} MB` });
  return { ok: true, text, readAs: 'xlsx' };
}
