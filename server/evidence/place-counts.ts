import { createHash } from 'node:crypto';
import { eq, type SQL, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, rawRows } from '../db/client.ts';
import { EVIDENCE_KINDS, PLACE_COUNTERS, versions } from '../db/schema.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { EVIDENCE_RULE, type EvidenceRule } from './rule.ts';
import { COMPETENCY_BITS, demonstratedMask, evidencedMask, kindMasksOf, LEVEL_MASKS } from './standings.ts';

// place_counts: per place (registry entry, typed school, region, country), how many teachers of
// the report's population are there and what they hold. Every change that can move a teacher into,
// out of or between rows, or change what they hold, runs through recountPlaces in its own
// transaction: their share is taken out before and put back after, so the counts never need a
// nightly job and a failed change rolls them back with it. The people are named by a condition
// on `u` (the users row) that selects the same people before and after the change. Evidence,
// written on every completion, takes a cheaper path: refreshStanding (roll-ups.ts) adds the
// difference of one teacher's counters with addToPlace.

/**
 * The teacher population: accounts with the teacher role, leaving out trainers and administrators
 * (who hold it too) unless an administrator marked them as also teaching. Staff would otherwise
 * inflate or dilute the figures a ministry signs. Written as one NOT EXISTS (not "also teaches OR NOT
 * EXISTS"), which PostgreSQL plans as an anti-join; the OR form cost 0.3 s more at 100,000 teachers.
 */
const population = (bound: SQL) => sql`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'teacher'${bound})
  AND NOT EXISTS (SELECT 1 FROM user_roles s WHERE s.user_id = u.id AND s.role IN ('trainer', 'admin') AND NOT u.also_teaches)`;
export const TEACHER_POPULATION = population(sql``);
/**
 * The population among accounts after `id` (a keyset page). The bound repeated on the role rows
 * lets PostgreSQL start its merge join there rather than at the first teacher: a page at the
 * 400,000th of a million teachers read every role row before it (73 ms against 0.9 ms).
 */
export const populationAfter = (id: number): SQL => sql`${population(sql` AND r.user_id > ${id}`)} AND u.id > ${id}`;

const key = (code: string) => code.toLowerCase().replace('.', '');
/** The counter columns in the order CountsRow reads them: demonstrated per competency, checked only per competency, each level. */
export const DEMONSTRATED_COLUMNS = COMPETENCIES.map((c) => `d_${key(c.code)}`);
export const CHECKED_COLUMNS = COMPETENCIES.map((c) => `c_${key(c.code)}`);
export const LEVEL_COLUMNS = LEVELS.map((l) => `all_${key(l.code)}`);
const COUNTERS = [...DEMONSTRATED_COLUMNS, ...CHECKED_COLUMNS, ...LEVEL_COLUMNS];
if (COUNTERS.length !== PLACE_COUNTERS.length || COUNTERS.some((c) => !PLACE_COUNTERS.includes(c)))
  throw new Error('place_counts columns do not follow the framework');

const PLACE = 'organisation_id, country, region, school';
/** Per counter, the teachers of a row of `p` (mask, checked) it counts, as a SUM. */
const COUNTER_SUMS = [
  ...COMPETENCY_BITS.map((bit) => `SUM(CASE WHEN (p.mask & ${bit}) <> 0 THEN 1 ELSE 0 END)`),
  ...COMPETENCY_BITS.map((bit) => `SUM(CASE WHEN (p.checked & ${bit}) <> 0 THEN 1 ELSE 0 END)`),
  ...LEVEL_MASKS.map((m) => `SUM(CASE WHEN (p.mask & ${m}) = ${m} THEN 1 ELSE 0 END)`),
];

/** An upsert's tail that adds the inserted numbers to a place's row (making it when new). */
const ADD_TO_PLACE = sql.raw(
  `ON CONFLICT (${PLACE}) DO UPDATE SET ${['teachers', ...COUNTERS].map((c) => `${c} = place_counts.${c} + excluded.${c}`).join(', ')}`,
);

/** Adds (sign 1) or takes out (sign -1) the share of the population among the people `who` selects. */
function shareOf(who: SQL, sign: 1 | -1, rule: EvidenceRule): SQL {
  const demonstrated = demonstratedMask('s', rule);
  const times = (expression: string) => `${sign} * ${expression}`;
  return sql`INSERT INTO place_counts (${sql.raw(PLACE)}, teachers, ${sql.raw(COUNTERS.join(', '))})
    SELECT p.organisation_id, p.country, p.region, p.school, ${sql.raw(times('COUNT(*)'))}, ${sql.raw(COUNTER_SUMS.map(times).join(', '))}
    FROM (
      SELECT COALESCE(u.organisation_id, 0) AS organisation_id, u.country AS country, u.region AS region, u.school AS school,
        ${demonstrated} AS mask, ${evidencedMask('s')} & ~${demonstrated} AS checked
      FROM users u LEFT JOIN competency_standings s ON s.user_id = u.id
      WHERE (${who}) AND ${TEACHER_POPULATION}
    ) p
    WHERE 1 = 1
    GROUP BY p.organisation_id, p.country, p.region, p.school
    ${ADD_TO_PLACE}`;
}

/**
 * Runs `change` with the people `who` selects (a condition on `u`, true of the same people before
 * and after) taken out of place_counts, and puts them back as the change left them. Call inside
 * the change's transaction.
 */
export async function recountPlaces<T>(db: DbOrTx, who: SQL, change: () => Promise<T>): Promise<T> {
  await rawRows(db, shareOf(who, -1, EVIDENCE_RULE));
  const result = await change();
  await rawRows(db, shareOf(who, 1, EVIDENCE_RULE));
  return result;
}

/** A place_counts row's key: registry entry (0 for none), country, region, school. */
export type PlaceKey = [organisationId: number, country: string, region: string, school: string];

const KINDS_MASKS = kindMasksOf(EVIDENCE_RULE);
/** The counters (COUNTERS order) one teacher with these kind masks (EVIDENCE_KINDS order) adds to their place. */
export function countersOf(kindMasks: readonly number[]): number[] {
  let demonstrated = 0;
  let evidenced = 0;
  EVIDENCE_KINDS.forEach((kind, k) => {
    demonstrated |= (kindMasks[k] ?? 0) & KINDS_MASKS[kind];
    evidenced |= kindMasks[k] ?? 0;
  });
  const checked = evidenced & ~demonstrated;
  return [
    ...COMPETENCY_BITS.map((bit) => (demonstrated & bit ? 1 : 0)),
    ...COMPETENCY_BITS.map((bit) => (checked & bit ? 1 : 0)),
    ...LEVEL_MASKS.map((m) => ((demonstrated & m) === m ? 1 : 0)),
  ];
}

/** Adds these numbers (teachers, then COUNTERS order) to a place's row: the cheap path for one teacher whose place stays. */
export async function addToPlace(db: DbOrTx, place: PlaceKey, delta: number[]): Promise<void> {
  const values = sql.join(
    [...place, ...delta].map((v) => sql`${v}`),
    sql`, `,
  );
  await rawRows(db, sql`INSERT INTO place_counts (${sql.raw(PLACE)}, teachers, ${sql.raw(COUNTERS.join(', '))}) VALUES (${values}) ${ADD_TO_PLACE}`);
}

/** The `who` of one person. */
export const person = (userId: number): SQL => sql`u.id = ${userId}`;

const RULE_VERSION = 'place-counts-rule';
/** A number that changes when the rule does (the versions table holds numbers). */
function ruleStamp(rule: EvidenceRule): number {
  return createHash('sha256').update(JSON.stringify(rule)).digest().readUInt32BE(0);
}

/** Counts every place again from the people and their standings (after bulk loads, or for another rule). */
export async function rebuildPlaceCounts(db: DbOrTx, rule: EvidenceRule = EVIDENCE_RULE): Promise<void> {
  await rawRows(db, sql`DELETE FROM place_counts`);
  await rawRows(db, shareOf(sql`1 = 1`, 1, rule));
  await db
    .insert(versions)
    .values({ name: RULE_VERSION, value: ruleStamp(rule) })
    .onConflictDoUpdate({ target: versions.name, set: { value: ruleStamp(rule) } });
}

/**
 * At start: the counts were made under the deployment's level rule, or are made again (a new
 * database, or EVIDENCE_RULE changed since). Returns whether it rebuilt.
 */
export async function ensurePlaceCounts(db: Db, rule: EvidenceRule = EVIDENCE_RULE): Promise<boolean> {
  const [row] = await db.select({ value: versions.value }).from(versions).where(eq(versions.name, RULE_VERSION));
  if (row?.value === ruleStamp(rule)) return false;
  await db.transaction((tx) => rebuildPlaceCounts(tx, rule));
  return true;
}
