import { type SQL, sql } from 'drizzle-orm';
import { type DbOrTx, rawRows } from '../db/client.ts';
import { EVIDENCE_KINDS, type EvidenceKind } from '../db/schema/values.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { demonstrates, EVIDENCE_RULE, type EvidenceRule } from './rule.ts';

// competency_standings: per teacher, one 18-bit mask per kind of evidence (bit i: they hold evidence
// of that kind for COMPETENCIES[i]). Kept in the transaction that writes or removes evidence, so a
// report over a million teachers reads a million small rows, not ten million evidence rows. The
// masks say which kinds exist, not what they demonstrate: the level rule is applied when reading
// (demonstratedMask), so a deployment that changes EVIDENCE_RULE needs no rebuild.

/** Bit i stands for COMPETENCIES[i]. */
export const COMPETENCY_BITS: readonly number[] = COMPETENCIES.map((_, i) => 2 ** i);

/** The bit of the evidence row `alias`'s competency (NULL for an unknown code). */
export function competencyBit(alias: string): SQL {
  return sql.raw(`CASE ${alias}.competency ${COMPETENCIES.map((c, i) => `WHEN '${c.code}' THEN ${COMPETENCY_BITS[i]}`).join(' ')} END`);
}

/** The four masks of one teacher's evidence, or of every teacher's (grouped by user), as SQL columns. */
function kindMasks(alias: string): SQL {
  return sql.join(
    EVIDENCE_KINDS.map((k) => sql`COALESCE(SUM(DISTINCT CASE WHEN ${sql.raw(alias)}.kind = ${k} THEN ${competencyBit(alias)} END), 0)`),
    sql`, `,
  );
}

const UPSERT_TAIL = sql.raw(`ON CONFLICT (user_id) DO UPDATE SET ${EVIDENCE_KINDS.map((k) => `${k} = excluded.${k}`).join(', ')}`);

/** Recomputes one teacher's standing from their evidence rows; call inside the transaction that changed them. */
export async function refreshStanding(db: DbOrTx, userId: number): Promise<void> {
  await rawRows(
    db,
    sql`INSERT INTO competency_standings (user_id, ${sql.raw(EVIDENCE_KINDS.join(', '))})
      SELECT CAST(${userId} AS INTEGER), ${kindMasks('e')} FROM competency_evidence e WHERE e.user_id = ${userId}
      ${UPSERT_TAIL}`,
  );
}

/** Recomputes every teacher's standing (after a bulk load that wrote evidence directly, such as a benchmark's). */
export async function rebuildStandings(db: DbOrTx): Promise<void> {
  await rawRows(db, sql`DELETE FROM competency_standings`);
  await rawRows(
    db,
    sql`INSERT INTO competency_standings (user_id, ${sql.raw(EVIDENCE_KINDS.join(', '))})
      SELECT e.user_id, ${kindMasks('e')} FROM competency_evidence e GROUP BY e.user_id`,
  );
}

/** For each kind, the competencies whose level it demonstrates under the rule. */
export function kindMasksOf(rule: EvidenceRule = EVIDENCE_RULE): Record<EvidenceKind, number> {
  const out = {} as Record<EvidenceKind, number>;
  for (const kind of EVIDENCE_KINDS) {
    out[kind] = COMPETENCIES.reduce((mask, c, i) => (demonstrates(c.code, kind, rule) ? mask | COMPETENCY_BITS[i]! : mask), 0);
  }
  return out;
}

/** SQL: the competencies the standing row `alias` demonstrates (0 without a row). */
export function demonstratedMask(alias: string, rule: EvidenceRule = EVIDENCE_RULE): SQL {
  const masks = kindMasksOf(rule);
  return sql.raw(`COALESCE(${EVIDENCE_KINDS.map((k) => `(${alias}.${k} & ${masks[k]})`).join(' | ')}, 0)`);
}

/** SQL: the competencies the standing row `alias` has any evidence of (0 without a row). */
export function evidencedMask(alias: string): SQL {
  return sql.raw(`COALESCE(${EVIDENCE_KINDS.map((k) => `${alias}.${k}`).join(' | ')}, 0)`);
}
