import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import type { Response } from 'express';
import { streamBody } from './export-common.ts';
import { type ComplianceReport, figures, type frameworkLabels, type GroupFigures } from './report.ts';

type Labels = ReturnType<typeof frameworkLabels>;

const byCode = <T>(values: T[], codes: readonly { code: string }[]) => Object.fromEntries(codes.map((c, i) => [c.code, values[i]]));

/** The report as JSON but its groups: metadata, the 18 competencies and the 3 level totals. */
function complianceJsonHead(report: ComplianceReport, labels: Labels) {
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
  };
}

/** One group: its figures by competency and level code. */
function jsonGroup(g: GroupFigures) {
  return {
    key: g.key,
    name: g.name,
    // The registry entry of a place group ("org:<id>" keys), null for a typed value or a cohort.
    place: g.place,
    teachers: g.teachers,
    competencies: byCode(g.competencies, COMPETENCIES),
    levels: byCode(g.levels, LEVELS),
    checked: byCode(g.checked, COMPETENCIES),
  };
}

/**
 * The report as JSON ({ metadata, summary, levels, groups }), written a few hundred groups at a
 * time: a national report by school has tens of thousands, and one JSON.stringify of them all
 * would hold the whole text in memory at once.
 */
export async function sendComplianceJson(res: Response, report: ComplianceReport, labels: Labels): Promise<void> {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  await streamBody(res, async (write) => {
    await write(`${JSON.stringify(complianceJsonHead(report, labels)).slice(0, -1)},"groups":[`);
    for (let i = 0; i < report.groups.length; i += 500) {
      const part = report.groups.slice(i, i + 500).map((g) => JSON.stringify(jsonGroup(figures(g))));
      await write(`${i > 0 ? ',' : ''}${part.join(',')}`);
    }
    await write(']}');
  });
}
