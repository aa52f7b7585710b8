import { sql } from 'drizzle-orm';
import { type Db, rawRows } from '../db/client.ts';
import { demonstratesSql } from '../evidence/rule.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { teacherConditions } from './queries.ts';
import { percent } from './report.ts';
import type { Filters } from './schemas.ts';

// Compliance over time: for each quarter, the share of the selected teachers (those who had
// joined by its end) who had demonstrated all six competencies of each level (evidence of the kinds
// the deployment's rule asks for). One statement: each teacher's
// first evidence of each competency, the day they completed each level, counted by day; the
// quarters are summed up here. The report's date filters do not apply: this is the time axis.

const DAY = 86_400_000;
/** Quarters shown; earlier ones are folded into the first. */
export const MAX_QUARTERS = 12;

export interface QuarterFigures {
  label: string; // "2026 Q3"
  end: string; // YYYY-MM-DD, the quarter's last day
  teachers: number;
  levels: { count: number; percent: number }[]; // LEVELS order
}

function quarterOf(day: number): { year: number; q: number } {
  const d = new Date(day * DAY);
  return { year: d.getUTCFullYear(), q: Math.floor(d.getUTCMonth() / 3) + 1 };
}

/** The first day after the quarter, in days since the epoch. */
function endDay(year: number, q: number): number {
  return Date.UTC(q === 4 ? year + 1 : year, q === 4 ? 0 : q * 3, 1) / DAY;
}

export async function quarterlyTrend(db: Db, filters: Filters, now = Date.now()): Promise<QuarterFigures[]> {
  const codes = sql.join(
    COMPETENCIES.map((c) => sql`${c.code}`),
    sql`, `,
  );
  const population = { ...filters, from: '', to: '', asOf: '' };
  // The divisor is written into the SQL, not bound: PostgreSQL matches a GROUP BY expression to the
  // select list by its text, and two parameters are two different expressions to it.
  const day = sql.raw(String(DAY));
  const rows = await rawRows<[string, string, number, number]>(
    db,
    sql`WITH sel AS (SELECT u.id AS id, u.created_at AS joined FROM users u WHERE ${teacherConditions(population)}),
      firsts AS (
        SELECT e.user_id AS user_id, substr(e.competency, 1, 2) AS lvl, MIN(e.created_at) AS t FROM competency_evidence e
        WHERE e.user_id IN (SELECT id FROM sel) AND e.competency IN (${codes}) AND ${demonstratesSql('e')} GROUP BY e.user_id, e.competency
      ),
      done AS (SELECT user_id, lvl, MAX(t) AS t FROM firsts GROUP BY user_id, lvl HAVING COUNT(*) = 6)
      SELECT 'level', lvl, t / ${day}, COUNT(*) FROM done GROUP BY lvl, t / ${day}
      UNION ALL SELECT 'joined', '', joined / ${day}, COUNT(*) FROM sel GROUP BY joined / ${day}`,
  );
  const days = rows.map((r) => Number(r[2]));
  const today = Math.floor(now / DAY);
  if (!days.length) return [];
  let { year, q } = quarterOf(Math.min(...days));
  const last = quarterOf(today);
  const quarters: { year: number; q: number }[] = [];
  while (year < last.year || (year === last.year && q <= last.q)) {
    quarters.push({ year, q });
    q = q === 4 ? 1 : q + 1;
    if (q === 1) year++;
  }
  return quarters.slice(-MAX_QUARTERS).map(({ year: y, q: n }) => {
    const before = endDay(y, n);
    const sum = (kind: string, lvl = '') => rows.filter((r) => r[0] === kind && r[1] === lvl && Number(r[2]) < before).reduce((s, r) => s + Number(r[3]), 0);
    const teachers = sum('joined');
    return {
      label: `${y} Q${n}`,
      end: new Date((before - 1) * DAY).toISOString().slice(0, 10),
      teachers,
      levels: LEVELS.map((l) => {
        const count = sum('level', l.code);
        return { count, percent: percent(count, teachers) };
      }),
    };
  });
}
