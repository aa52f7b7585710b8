import type { EvidenceKind } from '../db/schema/values.ts';
import { demonstratingKinds, type Standing, standingOf } from '../evidence/rule.ts';
import { ASPECTS, COMPETENCIES, LEVELS, type CompetencyCode } from './ict-cft.ts';

/** One piece of a teacher's evidence as pages show it. */
export interface EvidenceItem {
  kind: EvidenceKind;
  /** The module, live session or outside learning that gave it. */
  title: string;
  /** The course of a module ('' otherwise). */
  context: string;
  href: string;
  at: number;
}

export interface MatrixCell {
  code: CompetencyCode;
  title: string;
  href: string;
  /** Demonstrated (evidence of a kind the level asks for), knowledge checked (other evidence only), or none. */
  standing: Standing;
  evidence: EvidenceItem[];
}

export interface Matrix {
  levels: { code: string; title: string; kinds: readonly EvidenceKind[] }[];
  rows: { number: number; title: string; cells: MatrixCell[] }[];
  perLevel: { code: string; title: string; demonstrated: number; checked: number; total: number }[];
  demonstratedTotal: number;
  /** Competencies with knowledge checked but not (yet) demonstrated. */
  checkedTotal: number;
}

export type EvidenceByCode = Map<string, EvidenceItem[]>;

/** The 6 x 3 ICT-CFT matrix (aspects as rows, levels as columns), marked with a teacher's evidence. */
export function buildMatrix(lang: string, evidence: EvidenceByCode = new Map()): Matrix {
  const ru = lang === 'ru';
  const rows = ASPECTS.map((aspect) => ({
    number: aspect.number,
    title: ru ? aspect.titleRu : aspect.title,
    cells: LEVELS.map((level) => {
      const c = COMPETENCIES.find((x) => x.aspect === aspect.number && x.level === level.code)!;
      const items = evidence.get(c.code) ?? [];
      const standing = standingOf(
        c.code,
        items.map((i) => i.kind),
      );
      return { code: c.code, title: ru ? c.titleRu : c.title, href: `/framework/${c.code}`, standing, evidence: items };
    }),
  }));
  const cellsOf = (level: string) => rows.flatMap((r) => r.cells.filter((c) => c.code.startsWith(level)));
  const perLevel = LEVELS.map((level) => ({
    code: level.code,
    title: ru ? level.titleRu : level.title,
    demonstrated: cellsOf(level.code).filter((c) => c.standing === 'demonstrated').length,
    checked: cellsOf(level.code).filter((c) => c.standing === 'checked').length,
    total: ASPECTS.length,
  }));
  return {
    levels: LEVELS.map((l) => ({ code: l.code, title: ru ? l.titleRu : l.title, kinds: demonstratingKinds(l.code) })),
    rows,
    perLevel,
    demonstratedTotal: perLevel.reduce((n, l) => n + l.demonstrated, 0),
    checkedTotal: perLevel.reduce((n, l) => n + l.checked, 0),
  };
}
