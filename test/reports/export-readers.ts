import ExcelJS from 'exceljs';
import { COMPETENCIES, LEVELS } from '../../server/framework/ict-cft.ts';
import type { Figures } from './fixtures.ts';

// The compliance report's exports read back into one shape, so tests compare them with the page
// and with figures recomputed from the database.

const CODES = [...COMPETENCIES.map((c) => c.code as string), ...LEVELS.map((l) => l.code as string)];
export type Report = { teachers: number; figures: Figures; groups: Map<string, { teachers: number; figures: Figures }> };

/** One group row of CSV/XLSX: name, teachers, then count and percent per competency and per level. */
function groupFromRow(row: unknown[]): [string, { teachers: number; figures: Figures }] {
  const figures: Figures = {};
  CODES.forEach((code, i) => {
    figures[code] = [Number(row[2 + 2 * i]), Number(row[3 + 2 * i])];
  });
  // Undo the formula guard so names compare with the page's.
  return [String(row[0]).replace(/^'(?=[=+\-@\t\r])/, ''), { teachers: Number(row[1]), figures }];
}

/** Reads the grouped CSV back: metadata, the 18 + 3 summary rows, the group rows. */
export function fromCsv(rows: string[][]): Report {
  const teachers = Number(rows.find((r) => r[0] === 'Teachers counted')?.[1]);
  const figures: Figures = {};
  const summaryAt = rows.findIndex((r) => r[0] === 'Code');
  for (const r of rows.slice(summaryAt + 1, summaryAt + 19)) figures[r[0]!] = [Number(r[2]), Number(r[3])];
  const levelsAt = rows.findIndex((r) => r[0] === 'Level');
  for (const r of rows.slice(levelsAt + 1, levelsAt + 4)) figures[r[0]!] = [Number(r[2]), Number(r[3])];
  const groupsAt = rows.findIndex((r) => r[1] === 'Teachers' && r[2] === 'KA.1 teachers');
  return { teachers, figures, groups: new Map(rows.slice(groupsAt + 1).map(groupFromRow)) };
}

export async function readWorkbook(body: ExcelJS.Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body);
  return workbook;
}

export function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    rows[n - 1] = (row.values as unknown[]).slice(1);
  });
  return Array.from(rows, (r) => r ?? []);
}

/** Reads the workbook back: the Summary sheet's matrix and level row, the Groups sheet. */
export function fromXlsx(workbook: ExcelJS.Workbook): Report {
  const summary = sheetRows(workbook.getWorksheet('Summary')!);
  const figures: Figures = {};
  // Rows 2-7: one aspect each; columns: aspect, then count and percent for KA, KD, KC.
  for (let a = 1; a <= 6; a++) {
    LEVELS.forEach((level, l) => {
      figures[`${level.code}.${a}`] = [Number(summary[a]![1 + 2 * l]), Number(summary[a]![2 + 2 * l])];
    });
  }
  LEVELS.forEach((level, l) => {
    figures[level.code] = [Number(summary[7]![1 + 2 * l]), Number(summary[7]![2 + 2 * l])];
  });
  const teachers = Number(summary.find((r) => r[0] === 'Teachers counted')?.[1]);
  const groups = sheetRows(workbook.getWorksheet('Groups')!);
  return { teachers, figures, groups: new Map(groups.slice(1).map(groupFromRow)) };
}

export function fromJson(body: {
  metadata: { teachers: number };
  summary: { code: string; teachers: number; percent: number }[];
  levels: { code: string; teachers: number; percent: number }[];
  groups: {
    name: string;
    teachers: number;
    competencies: Record<string, { count: number; percent: number }>;
    levels: Record<string, { count: number; percent: number }>;
  }[];
}): Report {
  const figures: Figures = {};
  for (const s of [...body.summary, ...body.levels]) figures[s.code] = [s.teachers, s.percent];
  const groups = new Map(
    body.groups.map((g) => {
      const f: Figures = {};
      for (const [code, cell] of Object.entries({ ...g.competencies, ...g.levels })) f[code] = [cell.count, cell.percent];
      return [g.name, { teachers: g.teachers, figures: f }];
    }),
  );
  return { teachers: body.metadata.teachers, figures, groups };
}
