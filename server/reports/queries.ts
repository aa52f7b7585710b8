import type { PlacedOrganisation } from '../organisations/queries.ts';
import { asc, eq, ne, type SQL, sql } from 'drizzle-orm';
import { type Db, rawRows, streamRows } from '../db/client.ts';
import { cohorts, courses, EVIDENCE_KINDS, type EvidenceKind, modules, users } from '../db/schema.ts';
import { demonstrates } from '../evidence/rule.ts';
import { populationAfter, TEACHER_POPULATION } from '../evidence/place-counts.ts';
import { COMPETENCY_BITS, demonstratedMask, evidencedMask, LEVEL_MASKS } from '../evidence/standings.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { byPlaceOnly, countsByPlace } from './place-queries.ts';
import { type EvidenceWindow, evidenceWindow, type Filters, type Grouping } from './schemas.ts';

// The report's aggregates are raw SQL (with teacher-queries.ts for the per-teacher reads and
// place-queries.ts for the counts kept per place):
// drizzle's query builder cannot express "one bitmask of competencies per teacher" and the
// counts of teachers per group and pair of masks, and a million teachers need a handful of
// set-based queries, never one per teacher. The SQL is plain SQL that SQLite and PostgreSQL both
// run (CTEs, correlated subqueries, SUM(DISTINCT), >>, & and ~); the masks are CAST to INTEGER so
// that PostgreSQL's bit arithmetic stays in integers. Rows come back as arrays (rawRows,
// streamRows), because building a million row objects is the slow part of an export.

/**
 * The place filters' conditions on `u`: the columns an account and a place_counts row share
 * (organisation_id is 0 in place_counts where an account has NULL: neither is in any entry).
 */
export function placeConditions(f: Filters): SQL[] {
  const conditions: SQL[] = [];
  if (f.country) conditions.push(sql`u.country = ${f.country}`);
  if (f.region) conditions.push(sql`u.region = ${f.region}`);
  if (f.school) conditions.push(sql`u.school = ${f.school}`);
  if (f.place !== undefined) {
    conditions.push(sql`u.organisation_id IN (SELECT o.id FROM organisations o LEFT JOIN organisations op ON op.id = o.parent_id
      WHERE o.id = ${f.place} OR o.parent_id = ${f.place} OR op.parent_id = ${f.place})`);
  }
  return conditions;
}

/** The filters' conditions on an account (place, as-of date, cohort, course). */
function filterConditions(f: Filters): SQL[] {
  const conditions = placeConditions(f);
  const asOfEnd = evidenceWindow({ from: '', to: '', asOf: f.asOf }).toMs;
  if (asOfEnd !== undefined) conditions.push(sql`u.created_at < ${asOfEnd}`);
  if (f.cohort !== undefined)
    conditions.push(sql`EXISTS (SELECT 1 FROM cohort_members cm WHERE cm.user_id = u.id AND cm.cohort_id = ${f.cohort} AND cm.status = 'active')`);
  if (f.course !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM enrolments en WHERE en.user_id = u.id AND en.course_id = ${f.course} AND en.status = 'active')`);
  }
  return conditions;
}

/** The selected teachers (after the account `afterId`, for a keyset page): the teacher population, narrowed by every filter set. */
export function teacherConditions(f: Filters, afterId?: number): SQL {
  return sql.join([afterId === undefined ? TEACHER_POPULATION : populationAfter(afterId), ...filterConditions(f)], sql` AND `);
}

/** The evidence window's conditions on the evidence row `alias` (empty without a window). */
export function windowConditions(alias: string, w: EvidenceWindow): SQL {
  const parts: SQL[] = [];
  if (w.fromMs !== undefined) parts.push(sql`${sql.raw(alias)}.created_at >= ${w.fromMs}`);
  if (w.toMs !== undefined) parts.push(sql`${sql.raw(alias)}.created_at < ${w.toMs}`);
  return parts.length ? sql` AND ${sql.join(parts, sql` AND `)}` : sql``;
}

/**
 * A teacher's evidence folds into one number: a demonstrating row sets its competency's bit
 * shifted by CHECKED_SHIFT, any other row its plain bit. Each value is a single bit, so
 * SUM(DISTINCT) is a bitwise OR (repeats are dropped; it works in SQLite and PostgreSQL alike,
 * unlike bit_or()), and one pass gives both "demonstrated" (the high 18 bits) and
 * "knowledge checked only" (low bits whose high bit is clear). Which rows demonstrate is the
 * deployment's rule (server/evidence/rule.ts), written out as constants: a CASE on the kind, then
 * on the competency, costs little more per row than the competency's bit alone.
 */
const CHECKED_SHIFT = 2 ** COMPETENCIES.length;
/** A CASE on the evidence row's kind, then its competency, giving a constant for each pair. */
export function byKindAndCompetency(value: (code: string, kind: EvidenceKind, i: number) => number): SQL {
  return sql.raw(
    `CASE e.kind ${EVIDENCE_KINDS.map(
      (kind) => `WHEN '${kind}' THEN CASE e.competency ${COMPETENCIES.map((c, i) => `WHEN '${c.code}' THEN ${value(c.code, kind, i)}`).join(' ')} END`,
    ).join(' ')} END`,
  );
}
const STANDING_CASE = byKindAndCompetency((code, kind, i) => (demonstrates(code, kind) ? COMPETENCY_BITS[i]! * CHECKED_SHIFT : COMPETENCY_BITS[i]!));
/** per_user's columns from the folded value v (a BIGINT): the demonstrated mask and the checked-only mask. */
const SPLIT_MASKS = sql.raw(`CAST(v / ${CHECKED_SHIFT} AS INTEGER) AS mask, CAST((v % ${CHECKED_SHIFT}) & ~(v / ${CHECKED_SHIFT}) AS INTEGER) AS checked`);

// A teacher's school, region and country: the registry entry at that level when they belong to
// one (so "Russia" and "Россия" are one group), else the text they typed. Keys say which:
// "org:<id>" or "text:<typed>". The joins walk up from the person's entry (at most three levels).
export const PLACE_JOINS = sql.raw(
  'LEFT JOIN organisations o1 ON o1.id = u.organisation_id LEFT JOIN organisations o2 ON o2.id = o1.parent_id LEFT JOIN organisations o3 ON o3.id = o2.parent_id',
);
function placeKey(kind: 'school' | 'region' | 'country', typed: string): string {
  const at = (o: string) => `WHEN ${o}.kind = '${kind}' THEN 'org:' || ${o}.id`;
  return `COALESCE(CASE ${at('o1')} ${at('o2')} ${at('o3')} END, 'text:' || ${typed})`;
}
export const GROUP_KEY: Record<Exclude<Grouping, 'cohort'>, string> = {
  school: placeKey('school', 'u.school'),
  region: placeKey('region', 'u.region'),
  country: placeKey('country', 'u.country'),
};

/** The registry entry a group key names, or null for a typed value. */
export function placeOfKey(key: string): number | null {
  return key.startsWith('org:') ? Number(key.slice(4)) : null;
}

export interface CountsRow {
  key: string;
  name: string;
  teachers: number;
  competencies: number[]; // COMPETENCIES order: teachers who demonstrated it
  levels: number[]; // LEVELS order: teachers who demonstrated all six of that level
  checked: number[]; // COMPETENCIES order: teachers with knowledge checked but not demonstrated
}

export function emptyCounts(key: string, name: string): CountsRow {
  return { key, name, teachers: 0, competencies: COMPETENCIES.map(() => 0), levels: LEVELS.map(() => 0), checked: COMPETENCIES.map(() => 0) };
}

/** Adds `n` teachers whose demonstrated and checked-only masks are these to a group's counts. */
function addTeachers(counts: CountsRow, mask: number, checked: number, n: number): void {
  counts.teachers += n;
  for (let i = 0; i < COMPETENCY_BITS.length; i++) {
    if (mask & COMPETENCY_BITS[i]!) counts.competencies[i]! += n;
    if (checked & COMPETENCY_BITS[i]!) counts.checked[i]! += n;
  }
  LEVEL_MASKS.forEach((m, l) => {
    if ((mask & m) === m) counts.levels[l]! += n;
  });
}

// Above this many selected teachers, a date window is cheaper to apply by reading the whole
// (competency, user_id, created_at) index once than by looking up each teacher's evidence:
// the per-teacher lookup uses the (user_id, competency, module_id) index, which lacks
// created_at, so each evidence row costs a random read of the table (2.3 s against 0.45 s
// for 100,000 teachers on the bench/report.ts database). See docs/PERFORMANCE.md. Reports
// without a window read competency_standings instead.
const SCAN_THRESHOLD = 20_000;

/**
 * The report's counts. Filtered by place only (or not at all), grouped by place: straight from
 * place_counts (countsByPlace), a row per place. Otherwise in two steps: SQL gives, per group, how many selected teachers share each
 * (demonstrated, checked-only) pair of masks; the per-competency and per-level sums are added up
 * here over those pairs, far fewer than the teachers. Without a date window the masks come from
 * competency_standings (one row per teacher, kept with the evidence), so a million teachers cost a
 * million small rows, not ten million evidence rows; a window (from, to, as of) needs the dates of
 * the evidence itself, read per teacher or in one pass (see SCAN_THRESHOLD).
 */
export async function complianceCounts(
  db: Db,
  filters: Filters,
  group: Grouping,
  strategy: 'auto' | 'standings' | 'lookup' | 'scan' = 'auto',
): Promise<{ total: CountsRow; groups: CountsRow[] }> {
  const window = evidenceWindow(filters);
  const hasWindow = window.fromMs !== undefined || window.toMs !== undefined;
  if (strategy === 'auto' && group !== 'cohort' && byPlaceOnly(filters)) return countsByPlace(db, filters, group);
  const groupColumn = sql.raw(group === 'cohort' ? "''" : GROUP_KEY[group]);
  const joins = group === 'cohort' ? sql`` : sql`${PLACE_JOINS} `;
  let perUser: SQL;
  if (!hasWindow && (strategy === 'auto' || strategy === 'standings')) {
    const demonstrated = demonstratedMask('s');
    perUser = sql`per_user AS (
      SELECT u.id AS id, ${groupColumn} AS g, ${demonstrated} AS mask, ${evidencedMask('s')} & ~${demonstrated} AS checked
      FROM users u LEFT JOIN competency_standings s ON s.user_id = u.id ${joins}WHERE ${teacherConditions(filters)}
    )`;
  } else {
    const scan = strategy === 'scan' || (strategy === 'auto' && (await countTeachers(db, filters)) > SCAN_THRESHOLD);
    const codes = sql.join(
      COMPETENCIES.map((c) => sql`${c.code}`),
      sql`, `,
    );
    const folded = scan
      ? sql`masks AS (
          SELECT e.user_id AS user_id, SUM(DISTINCT ${STANDING_CASE}) AS v FROM competency_evidence e
          WHERE e.competency IN (${codes})${windowConditions('e', window)} GROUP BY e.user_id
        ),
        folded AS (SELECT sel.id AS id, sel.g AS g, CAST(COALESCE(m.v, 0) AS BIGINT) AS v FROM sel LEFT JOIN masks m ON m.user_id = sel.id)`
      : sql`folded AS (
          SELECT sel.id AS id, sel.g AS g,
            CAST(COALESCE((SELECT SUM(DISTINCT ${STANDING_CASE}) FROM competency_evidence e WHERE e.user_id = sel.id${windowConditions('e', window)}), 0) AS BIGINT) AS v
          FROM sel
        )`;
    perUser = sql`sel AS (SELECT u.id AS id, ${groupColumn} AS g FROM users u ${joins}WHERE ${teacherConditions(filters)}), ${folded},
      per_user AS (SELECT id, g, ${SPLIT_MASKS} FROM folded)`;
  }
  const grouped =
    group === 'cohort'
      ? sql`SELECT CAST(c.id AS TEXT), c.name, p.mask, p.checked, COUNT(*)
          FROM per_user p JOIN cohort_members cm ON cm.user_id = p.id AND cm.status = 'active' JOIN cohorts c ON c.id = cm.cohort_id
          ${filters.cohort !== undefined ? sql`WHERE c.id = ${filters.cohort}` : sql``}
          GROUP BY c.id, c.name, p.mask, p.checked`
      : sql`SELECT p.g, p.g, p.mask, p.checked, COUNT(*) FROM per_user p GROUP BY p.g, p.mask, p.checked`;
  // The pairs arrive as a stream and are added up as they come: memory holds the groups, never a
  // row per teacher. A teacher is in one place but may be in several cohorts, so the cohort
  // report's total is counted apart.
  const groups = new Map<string, CountsRow>();
  const total = emptyCounts('', '');
  for await (const [key, name, mask, checked, n] of streamRows<[string, string, number, number, number]>(db, sql`WITH ${perUser} ${grouped}`)) {
    const k = String(key ?? '');
    const counts = groups.get(k) ?? emptyCounts(k, String(name ?? ''));
    groups.set(k, counts);
    addTeachers(counts, Number(mask), Number(checked), Number(n));
    if (group !== 'cohort') addTeachers(total, Number(mask), Number(checked), Number(n));
  }
  if (group === 'cohort') {
    const pairs = sql`WITH ${perUser} SELECT p.mask, p.checked, COUNT(*) FROM per_user p GROUP BY p.mask, p.checked`;
    for await (const [mask, checked, n] of streamRows<[number, number, number]>(db, pairs)) addTeachers(total, Number(mask), Number(checked), Number(n));
  }
  return { total, groups: [...groups.values()] };
}

/** Staff (trainers, administrators) with the teacher role whom the filters would select but the population leaves out. */
export async function excludedStaff(db: Db, filters: Filters): Promise<number> {
  // The complement of TEACHER_POPULATION among teacher-role holders, read from the staff's role rows
  // (a few hundred) rather than from every account (a million, nationally).
  const staff = sql`NOT u.also_teaches AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'teacher')`;
  const [row] = await rawRows<[number]>(
    db,
    sql`SELECT COUNT(DISTINCT u.id) FROM user_roles s JOIN users u ON u.id = s.user_id
      WHERE s.role IN ('trainer', 'admin') AND ${sql.join([staff, ...filterConditions(filters)], sql` AND `)}`,
  );
  return Number(row?.[0] ?? 0);
}

/** How many teachers the filters select (from place_counts when only places are filtered). */
export async function countTeachers(db: Db, filters: Filters): Promise<number> {
  const conditions = placeConditions(filters);
  const [row] = byPlaceOnly(filters)
    ? await rawRows<[number]>(db, sql`SELECT SUM(u.teachers) FROM place_counts u${conditions.length ? sql` WHERE ${sql.join(conditions, sql` AND `)}` : sql``}`)
    : await rawRows<[number]>(db, sql`SELECT COUNT(*) FROM users u WHERE ${teacherConditions(filters)}`);
  return Number(row?.[0] ?? 0);
}

/** Every module's title by id, archived ones too (old evidence may point at them). */
export async function moduleTitles(db: Db): Promise<Map<number, string>> {
  const rows = await db.select({ id: modules.id, title: modules.title }).from(modules);
  return new Map(rows.map((r) => [r.id, r.title]));
}

export interface FilterOptions {
  countries: string[];
  regions: string[];
  /** null when there are too many schools for a select: the form offers a text field instead. */
  schools: string[] | null;
  cohorts: { id: number; name: string }[];
  courses: { id: number; title: string }[];
  /** The registry entry of the place filter, with where it is (set by the route when the filter is). */
  place?: PlacedOrganisation;
}

const MAX_SCHOOL_OPTIONS = 200;

/** Values for the filter selects (the users_* indexes make each DISTINCT an index walk). */
export async function filterOptions(db: Db): Promise<FilterOptions> {
  const distinct = async (column: 'country' | 'region' | 'school', limit: number) =>
    (await db.selectDistinct({ value: users[column] }).from(users).where(ne(users[column], '')).orderBy(asc(users[column])).limit(limit)).map((r) => r.value);
  const [schools, countries, regions, cohortRows, courseRows] = await Promise.all([
    distinct('school', MAX_SCHOOL_OPTIONS + 1),
    distinct('country', 1000),
    distinct('region', 1000),
    db.select({ id: cohorts.id, name: cohorts.name }).from(cohorts).orderBy(asc(cohorts.name), asc(cohorts.id)),
    db.select({ id: courses.id, title: courses.title }).from(courses).where(eq(courses.archived, false)).orderBy(asc(courses.title), asc(courses.id)),
  ]);
  return { countries, regions, schools: schools.length > MAX_SCHOOL_OPTIONS ? null : schools, cohorts: cohortRows, courses: courseRows };
}
