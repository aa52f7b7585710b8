import { type SQL, sql } from 'drizzle-orm';
import { EVIDENCE_KINDS, type EvidenceKind } from '../db/schema/values.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { demonstrates, EVIDENCE_RULE, type EvidenceRule } from './rule.ts';

// competency_standings: per teacher, one 18-bit mask per kind of evidence (bit i: they hold evidence
// of that kind for COMPETENCIES[i]). Kept in the transaction that writes or removes evidence, so a
// report over a million teachers reads a million small rows, not ten million evidence rows. The
// masks say which kinds exist, not what they demonstrate: the level rule is applied when reading
// (demonstratedMask), so a deployment that changes EVIDENCE_RULE needs no rebuild. Written by
// roll-ups.ts.

/** Bit i stands for COMPETENCIES[i]. */
export const COMPETENCY_BITS: readonly number[] = COMPETENCIES.map((_, i) => 2 ** i);

/** For each level (LEVELS order), the mask of its six competencies. */
export const LEVEL_MASKS: readonly number[] = LEVELS.map((level) =>
  COMPETENCIES.reduce((mask, c, i) => (c.level === level.code ? mask | COMPETENCY_BITS[i]! : mask), 0),
);

/** The bit of the evidence row `alias`'s competency (NULL for an unknown code). */
export function competencyBit(alias: string): SQL {
  return sql.raw(`CASE ${alias}.competency ${COMPETENCIES.map((c, i) => `WHEN '${c.code}' THEN ${COMPETENCY_BITS[i]}`).join(' ')} END`);
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
