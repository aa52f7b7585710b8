import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, rawRows } from '../db/client.ts';
import { EVIDENCE_KINDS } from '../db/schema/values.ts';
import { person, rebuildPlaceCounts, recountPlaces } from './place-counts.ts';
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

/** Recomputes one teacher's standing, and their place's counts, from their evidence rows; call inside the transaction that changed them. */
export async function refreshStanding(db: DbOrTx, userId: number): Promise<void> {
  await recountPlaces(db, person(userId), () =>
    rawRows(
      db,
      sql`INSERT INTO competency_standings (user_id, ${sql.raw(EVIDENCE_KINDS.join(', '))})
        SELECT CAST(${userId} AS INTEGER), ${kindMasks('e')} FROM competency_evidence e WHERE e.user_id = ${userId}
        ${UPSERT_TAIL}`,
    ),
  );
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
