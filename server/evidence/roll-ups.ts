import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, rawRows } from '../db/client.ts';
import { EVIDENCE_KINDS } from '../db/schema/values.ts';
import { addToPlace, countersOf, rebuildPlaceCounts, TEACHER_POPULATION } from './place-counts.ts';
import { competencyBit } from './standings.ts';

// The writers of both roll-ups of the evidence: a teacher's competency_standings row and the
// place_counts row of where they are. Evidence is written by addEvidence (learning/queries.ts)
// and removed by the live sessions; both call refreshStanding in the same transaction.

/** The four masks of one teacher's evidence, or of every teacher's (grouped by user), as SQL columns. */
function kindMasks(alias: string): SQL {
  return sql.join(
    EVIDENCE_KINDS.map((k) => sql`COALESCE(SUM(DISTINCT CASE WHEN ${sql.raw(alias)}.kind = ${k} THEN ${competencyBit(alias)} END), 0)`),
    sql`, `,
  );
}

const UPSERT_TAIL = sql.raw(`ON CONFLICT (user_id) DO UPDATE SET ${EVIDENCE_KINDS.map((k) => `${k} = excluded.${k}`).join(', ')}`);

/**
 * Recomputes one teacher's standing, and their place's counts, from their evidence rows; call
 * inside the transaction that changed them. It runs on every completion, so rather than taking
 * the teacher out of place_counts and back (recountPlaces: two aggregate statements), it reads
 * where they are and what they held, and adds the difference to their place's row.
 */
export async function refreshStanding(db: DbOrTx, userId: number): Promise<void> {
  const [before] = await rawRows<[number, string, string, string, number, ...(number | null)[]]>(
    db,
    sql`SELECT COALESCE(u.organisation_id, 0), u.country, u.region, u.school, CASE WHEN ${TEACHER_POPULATION} THEN 1 ELSE 0 END, ${sql.raw(EVIDENCE_KINDS.map((k) => `s.${k}`).join(', '))}
      FROM users u LEFT JOIN competency_standings s ON s.user_id = u.id WHERE u.id = ${userId}`,
  );
  const [after] = await rawRows<number[]>(
    db,
    sql`INSERT INTO competency_standings (user_id, ${sql.raw(EVIDENCE_KINDS.join(', '))})
      SELECT CAST(${userId} AS INTEGER), ${kindMasks('e')} FROM competency_evidence e WHERE e.user_id = ${userId}
      ${UPSERT_TAIL} RETURNING ${sql.raw(EVIDENCE_KINDS.join(', '))}`,
  );
  if (!before || !after || Number(before[4]) !== 1) return; // not counted in any place
  const [organisationId, country, region, school, , ...held] = before;
  const was = countersOf(held.map(Number));
  const now = countersOf(after.map(Number));
  const delta = now.map((n, i) => n - was[i]!);
  if (delta.some((d) => d !== 0)) await addToPlace(db, [Number(organisationId), country, region, school], [0, ...delta]);
}

/** Recomputes every teacher's standing and every place's counts (after a bulk load that wrote people or evidence directly, such as a benchmark's). */
export async function rebuildRollUps(db: DbOrTx): Promise<void> {
  await rawRows(db, sql`DELETE FROM competency_standings`);
  await rawRows(
    db,
    sql`INSERT INTO competency_standings (user_id, ${sql.raw(EVIDENCE_KINDS.join(', '))})
      SELECT e.user_id, ${kindMasks('e')} FROM competency_evidence e GROUP BY e.user_id`,
  );
  await rebuildPlaceCounts(db);
}
