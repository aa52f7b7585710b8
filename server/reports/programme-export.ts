import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { FRAMEWORK } from '../framework/ict-cft.ts';
import { PAGE, pdfTable, reportDocument } from './pdf-table.ts';
import type { Coverage, CoverageCell } from './programmes.ts';
import { formatGeneratedAt, type frameworkLabels } from './report.ts';

// The programme comparison as a table (CSV and XLSX) and as a landscape A4 PDF in the
// certificates' fonts, stating the framework it is measured against and when it was made.

type Labels = ReturnType<typeof frameworkLabels>;

/** A cell in words: "4.5 h · 3 modules · quiz" or "gap". */
export function cellText(cell: CoverageCell, t: TFunction): string {
  if (!cell.modules.length) return t('reports:programmes.gap');
  const kinds = cell.evidence.map((k) => t(`reports:programmes.evidence.${k}`)).join(', ');
  return `${t('reports:programmes.hours', { hours: cell.hours })} · ${t('reports:programmes.modules', { count: cell.modules.length })} · ${kinds}`;
}

export function comparisonTable(chosen: Coverage[], labels: Labels, t: TFunction) {
  const headers = [
    t('reports:programmes.competency'),
    ...chosen.flatMap((c) => [
      `${c.name}: ${t('reports:programmes.hoursColumn')}`,
      `${c.name}: ${t('reports:programmes.throughColumn')}`,
      `${c.name}: ${t('reports:programmes.evidenceColumn')}`,
    ]),
  ];
  const rows = labels.competencies.map((comp, i) => [
    `${comp.code} ${comp.title}`,
    ...chosen.flatMap((c) => {
      const cell = c.cells[i]!;
      return [
        cell.hours,
        cell.modules.map((m) => `${m.course} — ${m.module}`).join('; ') || t('reports:programmes.gap'),
        cell.evidence.map((k) => t(`reports:programmes.evidence.${k}`)).join(', '),
      ];
    }),
  ]);
  rows.push([t('reports:programmes.coveredRow'), ...chosen.flatMap((c) => [c.covered, t('reports:programmes.ofEighteen', { count: c.covered }), ''])]);
  rows.push([t('reports:programmes.totalHours'), ...chosen.flatMap((c) => [c.hours, c.courses.join('; '), ''])]);
  return { headers, rows };
}

export function sendProgrammesPdf(res: Response, chosen: Coverage[], labels: Labels, t: TFunction, lang: string): void {
  const doc = reportDocument(t('reports:programmes.title'), lang);
  res.attachment('ict-cft-programmes.pdf');
  res.type('application/pdf');
  res.setHeader('Cache-Control', 'no-store');
  doc.pipe(res);

  doc.font('b').fontSize(16).text(t('reports:programmes.title'));
  doc.font('r').fontSize(8.5).fillColor('#55606e');
  doc.text(`${t('reports:meta.generatedAt')}: ${formatGeneratedAt(new Date().toISOString(), lang)}`);
  doc.text(`${t('reports:meta.framework')}: ${FRAMEWORK.name}, ${t('reports:meta.version', { version: FRAMEWORK.version })}. ${FRAMEWORK.citation}`);
  doc.moveDown(0.6);

  const first = 170;
  const col = (PAGE.width - 2 * PAGE.margin - first) / Math.max(1, chosen.length);
  const table = pdfTable(
    doc,
    [first, ...chosen.map(() => col)],
    [
      {
        cells: [
          t('reports:programmes.competency'),
          ...chosen.map((c) => `${c.name}\n${t('reports:programmes.ofEighteen', { count: c.covered })} · ${t('reports:programmes.hours', { hours: c.hours })}`),
        ],
        style: { font: 'b', size: 8.5, fill: '#f3f6f9' },
      },
    ],
  );
  labels.competencies.forEach((comp, i) => {
    table.row([`${comp.code} ${comp.title}`, ...chosen.map((c) => cellText(c.cells[i]!, t))], { font: 'r', size: 8 });
  });
  doc.end();
}
