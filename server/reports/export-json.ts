import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import type { ComplianceReport, frameworkLabels } from './report.ts';

type Labels = ReturnType<typeof frameworkLabels>;

/** The report as JSON: metadata, the 18 competencies, the 3 level totals and every group. */
export function complianceJson(report: ComplianceReport, labels: Labels) {
  const byCode = <T>(values: T[], codes: readonly { code: string }[]) => Object.fromEntries(codes.map((c, i) => [c.code, values[i]]));
  return {
    metadata: report.metadata,
    summary: COMPETENCIES.map((c, i) => ({
      code: c.code,
      level: c.level,
      aspect: c.aspect,
      title: labels.competencies[i]!.title,
      // teachers who demonstrated it; checked: teachers with knowledge checked but not demonstrated
      teachers: report.total.competencies[i]!.count,
      percent: report.total.competencies[i]!.percent,
      checked: report.total.checked[i],
    })),
    levels: LEVELS.map((l, i) => ({
      code: l.code,
      title: labels.levels[i]!.title,
      teachers: report.total.levels[i]!.count,
      percent: report.total.levels[i]!.percent,
    })),
    groups: report.groups.map((g) => ({
      key: g.key,
      name: g.name,
      // The registry entry of a place group ("org:<id>" keys), null for a typed value or a cohort.
      place: g.place,
      teachers: g.teachers,
      competencies: byCode(g.competencies, COMPETENCIES),
      levels: byCode(g.levels, LEVELS),
      checked: byCode(g.checked, COMPETENCIES),
    })),
  };
}
