import { type SQL, sql } from 'drizzle-orm';
import { EVIDENCE_KINDS, type EvidenceKind } from '../db/schema/values.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';

// Which kinds of evidence demonstrate a competency at each ICT-CFT level: the one place that
// decides it. Knowledge Acquisition is demonstrated by a passed quiz; Knowledge Deepening and
// Knowledge Creation only by work a trainer judged, a live session a trainer recorded, or
// outside learning a trainer approved. Any other evidence shows as "knowledge checked".
// A deployment changes it with EVIDENCE_RULE (read once per process, like DATABASE_URL), for
// example EVIDENCE_RULE="KA=quiz,assessed,participation,recognised;KD=assessed,recognised;KC=assessed".

export type LevelCode = 'KA' | 'KD' | 'KC';
export type EvidenceRule = Readonly<Record<LevelCode, readonly EvidenceKind[]>>;
/** A competency's standing for one teacher. */
export type Standing = 'demonstrated' | 'checked' | 'none';

export const DEFAULT_RULE: EvidenceRule = {
  KA: ['quiz', 'assessed', 'participation', 'recognised'],
  KD: ['assessed', 'participation', 'recognised'],
  KC: ['assessed', 'participation', 'recognised'],
};

/** Reads "KA=quiz,assessed;KD=assessed;…"; levels left out keep their default. Throws a readable error on a mistake. */
export function parseEvidenceRule(text: string | undefined): EvidenceRule {
  if (!text?.trim()) return DEFAULT_RULE;
  const rule: Record<LevelCode, readonly EvidenceKind[]> = { ...DEFAULT_RULE };
  for (const part of text.split(';').filter((p) => p.trim())) {
    const [level, kinds] = part.split('=').map((s) => s.trim());
    if (!LEVELS.some((l) => l.code === level)) throw new Error(`EVIDENCE_RULE: unknown level "${level}" (expected KA, KD or KC)`);
    const list = (kinds ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = list.find((k) => !(EVIDENCE_KINDS as readonly string[]).includes(k));
    if (unknown !== undefined) throw new Error(`EVIDENCE_RULE: unknown kind "${unknown}" for ${level} (expected ${EVIDENCE_KINDS.join(', ')})`);
    if (list.length === 0) throw new Error(`EVIDENCE_RULE: ${level} needs at least one kind`);
    rule[level as LevelCode] = list as EvidenceKind[];
  }
  return rule;
}

export const EVIDENCE_RULE: EvidenceRule = parseEvidenceRule(process.env.EVIDENCE_RULE);

const levelOf = (competency: string) => competency.slice(0, 2) as LevelCode;

/** Does evidence of this kind demonstrate this competency? */
export function demonstrates(competency: string, kind: EvidenceKind, rule: EvidenceRule = EVIDENCE_RULE): boolean {
  return rule[levelOf(competency)]?.includes(kind) ?? false;
}

/** A teacher's standing on one competency from the kinds of evidence they hold for it. */
export function standingOf(competency: string, kinds: Iterable<EvidenceKind>, rule: EvidenceRule = EVIDENCE_RULE): Standing {
  let any = false;
  for (const kind of kinds) {
    if (demonstrates(competency, kind, rule)) return 'demonstrated';
    any = true;
  }
  return any ? 'checked' : 'none';
}

/** The kinds that demonstrate a level, for pages that explain the rule. */
export function demonstratingKinds(level: string, rule: EvidenceRule = EVIDENCE_RULE): readonly EvidenceKind[] {
  return rule[level as LevelCode] ?? [];
}

/** SQL true when the evidence row `alias` demonstrates its competency (plain SQL both engines run). */
export function demonstratesSql(alias: string, rule: EvidenceRule = EVIDENCE_RULE): SQL {
  const parts = LEVELS.map((level) => {
    const codes = COMPETENCIES.filter((c) => c.level === level.code).map((c) => `'${c.code}'`);
    const kinds = rule[level.code as LevelCode].map((k) => `'${k}'`);
    return `(${alias}.competency IN (${codes.join(', ')}) AND ${alias}.kind IN (${kinds.join(', ')}))`;
  });
  return sql.raw(`(${parts.join(' OR ')})`);
}
