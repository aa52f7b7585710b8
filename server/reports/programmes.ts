import type { CatalogueCourse } from '../courses/catalogue.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';

// Programme compliance analysis (IITE's "comparative analysis of teacher training programmes for
// compliance with the ICT-CFT"): for a course or a named set of courses, which of the 18
// competencies it develops, through which modules, with how many hours, and by what kind of
// evidence. Built from the catalogue alone: it describes programmes, not people.

/**
 * How a module's competencies are evidenced: work a trainer assesses against a rubric (the
 * module's assignment, for the competencies it names), a quiz that checks knowledge, or, in a
 * module with neither, the teacher's own say-so.
 */
export const EVIDENCE_KINDS = ['assessed', 'quiz', 'completion'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface CoveringModule {
  course: string;
  module: string;
  minutes: number;
  evidence: EvidenceKind[];
}

export interface CoverageCell {
  code: string;
  modules: CoveringModule[];
  /** Hours of the modules that develop it (a module developing three competencies counts for each). */
  hours: number;
  evidence: EvidenceKind[];
}

export interface Coverage {
  key: string; // "course-3" or "programme-2"
  name: string;
  courses: string[];
  cells: CoverageCell[]; // COMPETENCIES order
  covered: number;
  /** Hours of all the programme's modules, each once. */
  hours: number;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

export function coverageOf(key: string, name: string, courses: CatalogueCourse[]): Coverage {
  const byCode = new Map<string, CoveringModule[]>(COMPETENCIES.map((c) => [c.code, []]));
  let minutes = 0;
  for (const course of courses) {
    for (const m of course.modules) {
      minutes += m.minutes;
      for (const code of m.competencies) {
        const evidence: EvidenceKind[] = [];
        if (m.assignment?.competencies.includes(code)) evidence.push('assessed');
        evidence.push(m.quiz ? 'quiz' : 'completion');
        byCode.get(code)?.push({ course: course.title, module: m.title, minutes: m.minutes, evidence });
      }
    }
  }
  const cells = COMPETENCIES.map((c) => {
    const modules = byCode.get(c.code) ?? [];
    return {
      code: c.code,
      modules,
      hours: hours(modules.reduce((sum, m) => sum + m.minutes, 0)),
      evidence: EVIDENCE_KINDS.filter((k) => modules.some((m) => m.evidence.includes(k))),
    };
  });
  return { key, name, courses: courses.map((c) => c.title), cells, covered: cells.filter((c) => c.modules.length > 0).length, hours: hours(minutes) };
}
