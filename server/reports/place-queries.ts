import { sql } from 'drizzle-orm';
import { type Db, rawRows } from '../db/client.ts';
import { CHECKED_COLUMNS, DEMONSTRATED_COLUMNS, LEVEL_COLUMNS } from '../evidence/place-counts.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { type CountsRow, emptyCounts, GROUP_KEY, PLACE_JOINS, placeConditions } from './queries.ts';
import { evidenceWindow, type Filters, type Grouping } from './schemas.ts';

// The report read from place_counts (server/evidence/place-counts.ts): the national report with no
// filter but places sums a row per place instead of passing over every teacher.

/** Filters that place_counts can answer: places, or none (no cohort, course or dates). */
export function byPlaceOnly(f: Filters): boolean {
  const window = evidenceWindow(f);
  return window.fromMs === undefined && window.toMs === undefined && f.cohort === undefined && f.course === undefined;
}

const PLACE_COUNT_COLUMNS = ['teachers', ...DEMONSTRATED_COLUMNS, ...CHECKED_COLUMNS, ...LEVEL_COLUMNS];

/**
 * The counts of a report filtered by place only, or not at all, from place_counts (kept with every
 * change, see server/evidence/place-counts.ts): a row per place, a few thousand even nationally,
 * grouped with the same keys as the teachers would be. Rows may hold 0 teachers (everyone left).
 */
export async function countsByPlace(db: Db, filters: Filters, group: Exclude<Grouping, 'cohort'>): Promise<{ total: CountsRow; groups: CountsRow[] }> {
  const conditions = placeConditions(filters);
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  const rows = await rawRows<[string, ...number[]]>(
    db,
    sql`SELECT p.g, ${sql.raw(PLACE_COUNT_COLUMNS.map((c) => `SUM(p.${c})`).join(', '))}
      FROM (SELECT ${sql.raw(GROUP_KEY[group])} AS g, ${sql.raw(PLACE_COUNT_COLUMNS.map((c) => `u.${c}`).join(', '))} FROM place_counts u ${PLACE_JOINS} ${where}) p
      GROUP BY p.g`,
  );
  const total = emptyCounts('', '');
  const groups: CountsRow[] = [];
  const n = COMPETENCIES.length;
  for (const [key, ...values] of rows) {
    const figures = values.map(Number);
    if (figures[0] === 0) continue;
    const counts: CountsRow = {
      key: String(key),
      name: String(key),
      teachers: figures[0]!,
      competencies: figures.slice(1, 1 + n),
      checked: figures.slice(1 + n, 1 + 2 * n),
      levels: figures.slice(1 + 2 * n),
    };
    groups.push(counts);
    total.teachers += counts.teachers;
    for (const [part, values] of [
      [total.competencies, counts.competencies],
      [total.checked, counts.checked],
      [total.levels, counts.levels],
    ] as const) {
      for (let i = 0; i < values.length; i++) part[i]! += values[i]!;
    }
  }
  return { total, groups };
}
