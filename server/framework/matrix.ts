import { ASPECTS, COMPETENCIES, LEVELS, type CompetencyCode } from './ict-cft.ts';

export interface MatrixCell {
  code: CompetencyCode;
  title: string;
  href: string;
  evidenced: boolean;
  evidence: { moduleTitle: string; courseTitle: string; href: string; at: number }[];
}

export interface Matrix {
  levels: { code: string; title: string }[];
  rows: { number: number; title: string; cells: MatrixCell[] }[];
  perLevel: { code: string; title: string; evidenced: number; total: number }[];
  evidencedTotal: number;
}

export type EvidenceByCode = Map<string, MatrixCell['evidence']>;

/** The 6 x 3 ICT-CFT matrix (aspects as rows, levels as columns), marked with a teacher's evidence. */
export function buildMatrix(lang: string, evidence: EvidenceByCode = new Map()): Matrix {
  const ru = lang === 'ru';
  const rows = ASPECTS.map((aspect) => ({
    number: aspect.number,
    title: ru ? aspect.titleRu : aspect.title,
    cells: LEVELS.map((level) => {
      const c = COMPETENCIES.find((x) => x.aspect === aspect.number && x.level === level.code)!;
      const items = evidence.get(c.code) ?? [];
      return { code: c.code, title: ru ? c.titleRu : c.title, href: `/framework/${c.code}`, evidenced: items.length > 0, evidence: items };
    }),
  }));
  const perLevel = LEVELS.map((level) => ({
    code: level.code,
    title: ru ? level.titleRu : level.title,
    evidenced: rows.filter((r) => r.cells.find((c) => c.code.startsWith(level.code))?.evidenced).length,
    total: ASPECTS.length,
  }));
  return {
    levels: LEVELS.map((l) => ({ code: l.code, title: ru ? l.titleRu : l.title })),
    rows,
    perLevel,
    evidencedTotal: perLevel.reduce((n, l) => n + l.evidenced, 0),
  };
}
