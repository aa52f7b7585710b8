import { CSV_BOM, type CsvSeparator, csvRow, csvSeparator, neutraliseFormula, sheetNamer } from '../http/spreadsheet.ts';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import type { TFunction } from 'i18next';
import type { Cohort } from './queries.ts';
import { CELL_STATUSES, type CellStatus, type Column, type Learner } from './progress.ts';

type CellValue = string | number | Date | null;

/** The dashboard's data as a table: one row per learner, one column per module (status as text). */
export function progressTable(data: { columns: Column[]; learners: Learner[] }, t: TFunction, baseUrl: string) {
  const headers = [
    t('cohorts:table.name'),
    t('cohorts:table.email'),
    t('cohorts:table.school'),
    t('cohorts:table.region'),
    t('cohorts:table.country'),
    t('cohorts:table.percent'),
    t('cohorts:table.completedModules'),
    t('cohorts:table.modules'),
    t('cohorts:table.lastActivity'),
    t('cohorts:table.overdue'),
    ...data.columns.map((c) => `${c.label} ${c.title}`),
    t('cohorts:table.certificates'),
  ];
  // Translated once: an export of 2,000 learners has 20,000 status cells.
  const status = Object.fromEntries(CELL_STATUSES.map((s) => [s, t(`cohorts:status.${s}`)])) as Record<CellStatus, string>;
  const [yes, no] = [t('cohorts:export.yes'), t('cohorts:export.no')];
  const rows: CellValue[][] = data.learners.map((l) => [
    l.name,
    l.email,
    l.school,
    l.region,
    l.country,
    l.percent,
    l.completed,
    data.columns.length,
    l.lastActivity === null ? null : new Date(l.lastActivity),
    l.overdue ? yes : no,
    ...l.cells.map((c) => status[c]),
    l.certificates.map((c) => `${baseUrl}/certificates/${c.code}`).join(' '),
  ]);
  return { headers, rows };
}

function csvValue(v: CellValue): string | number | null {
  return v instanceof Date ? v.toISOString().slice(0, 16).replace('T', ' ') : v;
}

/** CSV text with a byte-order mark; every text field quoted and neutralised (see csvField). */
export function toCsv(headers: string[], rows: CellValue[][], sep: CsvSeparator = ','): string {
  let out = CSV_BOM + csvRow(headers, sep);
  for (const row of rows) out += csvRow(row.map(csvValue), sep);
  return out;
}

export function fileStem(cohort: Pick<Cohort, 'id' | 'name'>): string {
  const slug = cohort.name
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .toLowerCase();
  return `cohort-${cohort.id}${slug ? `-${slug}` : ''}`;
}

/** Sends a CSV download, separated by `,` or `;` as csvSeparator picks from the request. */
export function sendCsv(res: Response, filename: string, headers: string[], rows: CellValue[][]): void {
  res.attachment(filename);
  res.type('text/csv; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.send(toCsv(headers, rows, csvSeparator(res)));
}

/** Streams an XLSX workbook (one sheet, header row frozen); text cells are neutralised like the CSV. */
export async function sendXlsx(res: Response, filename: string, sheetName: string, headers: string[], rows: CellValue[][]): Promise<void> {
  res.attachment(filename);
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Cache-Control', 'no-store');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetNamer()(sheetName, 'Progress'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((h, i) => ({ header: neutraliseFormula(h), key: String(i), width: i < 2 ? 28 : Math.min(Math.max(h.length + 2, 10), 40) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const row of rows) {
    const r = sheet.addRow(row.map((v) => (typeof v === 'string' ? neutraliseFormula(v) : v)));
    for (const [i, v] of row.entries()) if (v instanceof Date) r.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
    r.commit();
  }
  sheet.commit();
  await workbook.commit();
}
