import ExcelJS from 'exceljs';
import type { Response } from 'express';
import type { TFunction } from 'i18next';
import type { Writable } from 'node:stream';
import type { Db } from '../db/client.ts';
import {
  type CellValue,
  downloadHeaders,
  drained,
  groupHeader,
  groupRow,
  levelHeader,
  levelRows,
  metadataRows,
  summaryHeader,
  summaryRows,
  teacherHeader,
  standingWords,
  teacherRow,
} from './export-common.ts';
import { neutraliseFormula, sheetNamer } from '../http/spreadsheet.ts';
import { type ComplianceReport, figures, type frameworkLabels, MATRIX } from './report.ts';
import type { Filters } from './schemas.ts';
import { teacherChunks } from './teachers.ts';

type Labels = ReturnType<typeof frameworkLabels>;
type Sheet = ReturnType<ExcelJS.stream.xlsx.WorkbookWriter['addWorksheet']>;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const safe = (row: CellValue[]) => row.map((v) => (typeof v === 'string' ? neutraliseFormula(v) : v));

function addRows(sheet: Sheet, rows: CellValue[][], boldFirst = false): void {
  rows.forEach((row, i) => {
    const added = sheet.addRow(safe(row));
    if (boldFirst && i === 0) added.font = { bold: true };
    added.commit();
  });
}

/**
 * Waits while the zip or the client lag behind. exceljs's sheet stream writes into the zip
 * entry without heeding backpressure, so a database faster than deflate would pile the
 * sheet's XML (~150 MB for 100,000 teachers) up in memory; the entry's input stream (an
 * exceljs/archiver internal, hence the defensive lookup) still flags needDrain, and res
 * (not gzip-compressed by the middleware: XLSX is already a zip) reports a slow client.
 */
async function caughtUp(sheet: Sheet, res: Response): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  const entry = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as
    | (Writable & { _writableState?: { needDrain?: boolean } })
    | undefined;
  if (entry?._writableState?.needDrain && !entry.destroyed && !res.destroyed) await drained(entry, res);
  if (res.writableNeedDrain && !res.destroyed) await drained(res);
}

/** The sheet's first row is its header, frozen so it stays in view while scrolling. */
function sheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, widths: number[]): Sheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = widths.map((width) => ({ width }));
  return ws;
}

/**
 * Summary (the 6x3 matrix, the level totals, the metadata), Groups and Teachers, written
 * straight into the response. Sheets are committed in order because the zip is written
 * sequentially; the Teachers sheet is committed row by row from database chunks, pausing
 * whenever the zip or the client is slower than the database.
 */
export async function sendXlsx(res: Response, db: Db, filters: Filters, report: ComplianceReport, labels: Labels, modules: Map<number, string>, t: TFunction) {
  downloadHeaders(res, XLSX_TYPE, 'ict-cft-compliance', 'xlsx', report.metadata.generatedAt);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  workbook.creator = t('reports:title');
  const name = sheetNamer();

  const summary = sheet(workbook, name(t('reports:xlsx.summary')), [42, 18, 10, 18, 10, 18, 10]);
  const matrixHeader: CellValue[] = [t('reports:columns.aspect')];
  for (const level of labels.levels) matrixHeader.push(`${level.code} ${level.title}`, '%');
  const matrixRows: CellValue[][] = MATRIX.map((row, a) => [
    `${labels.aspects[a]!.number}. ${labels.aspects[a]!.title}`,
    ...row.flatMap((i) => [report.total.competencies[i]!.count, report.total.competencies[i]!.percent]),
  ]);
  const allSix: CellValue[] = [t('reports:levels.allSix'), ...report.total.levels.flatMap((c) => [c.count, c.percent])];
  addRows(summary, [matrixHeader, ...matrixRows, allSix], true);
  addRows(summary, [
    [],
    summaryHeader(t),
    ...summaryRows(report, labels.competencies),
    [],
    levelHeader(t),
    ...levelRows(report, labels.levels),
    [],
    ...metadataRows(report.metadata, t),
  ]);
  summary.commit();

  const groups = sheet(workbook, name(t('reports:xlsx.groups')), [32, 10, ...Array(78).fill(9)]);
  addRows(groups, [groupHeader(report.metadata, t)], true);
  for (const group of report.groups) addRows(groups, [groupRow(figures(group), t)]);
  groups.commit();

  const teachers = sheet(workbook, name(t('reports:xlsx.teachers')), [24, 30, 24, 20, 14, ...Array(18).fill(12), ...Array(18).fill(24), ...Array(18).fill(14)]);
  addRows(teachers, [teacherHeader(t)], true);
  const words = standingWords(t);
  for await (const chunk of teacherChunks(db, filters)) {
    if (res.destroyed) return; // the client went away: nothing more to send
    for (let i = 0; i < chunk.length; i++) {
      teachers.addRow(safe(teacherRow(chunk[i]!, modules, words))).commit();
      if (i % 500 === 499) await caughtUp(teachers, res);
    }
    await caughtUp(teachers, res);
  }
  teachers.commit();
  await workbook.commit();
}
