import type { Response } from 'express';
import type { TFunction } from 'i18next';
import type { Db } from '../db/client.ts';
import {
  type CellValue,
  downloadHeaders,
  streamBody,
  eachTeacherCell,
  standingWords,
  groupHeader,
  groupRow,
  levelHeader,
  levelRows,
  metadataRows,
  summaryHeader,
  summaryRows,
  teacherHeader,
} from './export-common.ts';
import { CSV_BOM, type CsvSeparator, csvField, csvRow, csvSeparator } from '../http/spreadsheet.ts';
import { type ComplianceReport, figures, type frameworkLabels, type ReportMetadata } from './report.ts';
import type { Filters } from './schemas.ts';
import { teacherChunks } from './teachers.ts';

type Labels = ReturnType<typeof frameworkLabels>;

export function csvLines(rows: CellValue[][], sep: CsvSeparator): string {
  let out = '';
  for (const row of rows) out += csvRow(row, sep);
  return out;
}

/**
 * Encodes CSV cells straight into large Buffers. The per-teacher export writes 4,100,000
 * cells: joining strings per line left ~1 KB of garbage per teacher for the collector, which
 * showed as 100+ MB of extra RSS in bench/report.ts; this leaves almost none.
 */
export class CsvEncoder {
  private buffer: Buffer;
  private at = 0;
  private fresh = true;
  private readonly sepByte: number;

  constructor(
    private readonly sep: CsvSeparator,
    private readonly size = 256 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
    this.sepByte = sep.charCodeAt(0);
  }

  cell(value: CellValue): void {
    const text = csvField(value, this.sep);
    this.room(text.length * 3 + 3); // UTF-8 is at most 3 bytes per UTF-16 unit
    if (!this.fresh) this.buffer[this.at++] = this.sepByte;
    this.fresh = false;
    this.at += this.buffer.write(text, this.at, 'utf8');
  }

  endRow(): void {
    this.room(2);
    this.buffer[this.at++] = 0x0d;
    this.buffer[this.at++] = 0x0a;
    this.fresh = true;
  }

  get length(): number {
    return this.at;
  }

  /** The bytes encoded so far; the encoder starts a new buffer. */
  take(): Buffer {
    const out = this.buffer.subarray(0, this.at);
    this.buffer = Buffer.allocUnsafe(this.size);
    this.at = 0;
    return out;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }
}

/** The grouped report as CSV: metadata, the 18 competencies, the 3 levels, then one row per group. */
export async function sendGroupedCsv(res: Response, report: ComplianceReport, labels: Labels, t: TFunction): Promise<void> {
  downloadHeaders(res, 'text/csv; charset=utf-8', 'ict-cft-compliance', 'csv', report.metadata.generatedAt);
  const sep = csvSeparator(res);
  const head = [
    ...metadataRows(report.metadata, t),
    [],
    summaryHeader(t),
    ...summaryRows(report, labels.competencies),
    [],
    levelHeader(t),
    ...levelRows(report, labels.levels),
    [],
    groupHeader(report.metadata, t),
  ];
  await streamBody(res, async (write) => {
    await write(CSV_BOM);
    await write(csvLines(head, sep));
    for (let i = 0; i < report.groups.length; i += 500) {
      const rows = report.groups.slice(i, i + 500).map((g) => groupRow(figures(g), t));
      await write(csvLines(rows, sep));
    }
  });
}

/**
 * One row per teacher (18 first-evidence dates, 18 source modules, 18 standings), streamed chunk by
 * chunk from the database: memory holds one chunk, never the whole population.
 */
export async function sendTeachersCsv(res: Response, db: Db, filters: Filters, metadata: ReportMetadata, modules: Map<number, string>, t: TFunction) {
  downloadHeaders(res, 'text/csv; charset=utf-8', 'ict-cft-compliance-teachers', 'csv', metadata.generatedAt);
  const sep = csvSeparator(res);
  await streamBody(res, async (write) => {
    await write(CSV_BOM);
    await write(csvLines([...metadataRows(metadata, t), [], teacherHeader(t)], sep));
    const csv = new CsvEncoder(sep);
    const encode = (value: CellValue) => csv.cell(value);
    const words = standingWords(t);
    for await (const chunk of teacherChunks(db, filters)) {
      if (res.destroyed) return;
      for (const teacher of chunk) {
        eachTeacherCell(teacher, modules, words, encode);
        csv.endRow();
        if (csv.length >= 200 * 1024) await write(csv.take());
      }
    }
    if (csv.length) await write(csv.take());
  });
}
