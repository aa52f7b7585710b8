import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { downloadHeaders, filtersText, groupName } from './export-common.ts';
import { PAGE, type PdfCell, pdfTable, reportDocument } from './pdf-table.ts';
import { type Cell, type ComplianceReport, figures, formatGeneratedAt, type frameworkLabels, HEAT_STEPS, heatLevel, MATRIX } from './report.ts';

// The compliance report as an A4 landscape PDF in the certificates' fonts: what the page states
// (filters, generation time, population, the heat map, level totals, every group, notes,
// framework and licence), shaded with the same colour scale, for a ministry to file or sign.

type Labels = ReturnType<typeof frameworkLabels>;

const NUMBER_LOCALES: Record<string, string> = { en: 'en-GB', ru: 'ru-RU' };
const MUTED = '#55606e';
const HEAD_FILL = '#eef2f6';

/** A percentage cell on the colour scale: the figure and the count, as on the page. */
function heatCell(cell: Cell, pct: (p: number) => string, num: (n: number) => string, extra: Partial<PdfCell> = {}): PdfCell {
  const step = HEAT_STEPS[heatLevel(cell.percent)]!;
  return { text: pct(cell.percent), sub: num(cell.count), fill: step.background, color: step.text, align: 'right', ...extra };
}

export function sendCompliancePdf(res: Response, report: ComplianceReport, labels: Labels, t: TFunction, lang: string): void {
  const { metadata, total } = report;
  const numbers = new Intl.NumberFormat(NUMBER_LOCALES[lang] ?? 'en-GB');
  const num = (n: number) => numbers.format(n);
  const pct = (p: number) => `${numbers.format(p)}%`;
  const doc = reportDocument(metadata.title, lang);
  downloadHeaders(res, 'application/pdf', 'ict-cft-compliance', 'pdf', metadata.generatedAt);
  doc.pipe(res);
  const width = PAGE.width - 2 * PAGE.margin;
  const line = (label: string, value: string) => {
    doc.font('b').fontSize(8.5).fillColor('#1b2430').text(`${label}: `, { continued: true });
    doc.font('r').text(value);
  };

  doc.font('b').fontSize(16).text(metadata.title);
  doc.moveDown(0.3);
  line(t('reports:meta.generatedAt'), formatGeneratedAt(metadata.generatedAt, lang));
  line(t('reports:meta.filters'), filtersText(metadata, t));
  line(t('reports:meta.grouping'), metadata.grouping.label);
  line(t('reports:meta.teachers'), num(metadata.teachers));
  line(t('reports:population.heading'), metadata.population.text);
  doc.moveDown(0.6);

  // The heat map: aspects down, levels across, as on the page.
  doc.font('b').fontSize(11).text(t('reports:matrix.heading'));
  doc.moveDown(0.2);
  const aspectWidth = 190;
  const levelWidth = (width - aspectWidth) / 3;
  const heat = pdfTable(
    doc,
    [aspectWidth, levelWidth, levelWidth, levelWidth],
    [{ cells: [t('reports:matrix.aspect'), ...labels.levels.map((l) => `${l.code} · ${l.title}`)], style: { font: 'b', size: 7.5, fill: HEAD_FILL } }],
  );
  MATRIX.forEach((row, a) => {
    const aspect = labels.aspects[a]!;
    heat.row(
      [
        `${aspect.number}. ${aspect.title}`,
        ...row.map((i) => {
          const c = labels.competencies[i]!;
          const cell = total.competencies[i]!;
          const checked = total.checked[i]!;
          const checkedNote = checked.count ? ` · ${t('reports:checkedCell', { percent: pct(checked.percent) })}` : '';
          return heatCell(cell, pct, num, {
            text: `${c.code} ${c.title}: ${pct(cell.percent)}`,
            sub: t('reports:cell', { count: num(cell.count), teachers: num(total.teachers) }) + checkedNote,
            align: 'left',
          });
        }),
      ],
      { size: 7.5 },
    );
  });
  legend(doc, t, lang);

  doc.moveDown(0.6);
  doc.font('b').fontSize(11).text(t('reports:levels.heading'));
  doc.moveDown(0.2);
  const levels = pdfTable(
    doc,
    [aspectWidth, 150, 80],
    [
      {
        cells: [t('reports:columns.level'), t('reports:columns.holdingAllSix'), t('reports:columns.percent')],
        style: { font: 'b', size: 7.5, fill: HEAD_FILL },
      },
    ],
  );
  labels.levels.forEach((l, i) => {
    const cell = total.levels[i]!;
    levels.row([`${l.code} · ${l.title}`, { text: num(cell.count), align: 'right' }, heatCell(cell, pct, num, { sub: undefined })], { size: 7.5 });
  });

  // The group table: every group, on as many pages as it takes, with its header on each.
  doc.addPage();
  doc
    .font('b')
    .fontSize(11)
    .text(`${t('reports:groups.heading')}: ${metadata.grouping.label}`);
  doc
    .font('r')
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(t('reports:groups.caption', { group: metadata.grouping.label }));
  doc.fillColor('#1b2430').moveDown(0.2);
  const nameWidth = 128;
  const teachersWidth = 46;
  const figure = (width - nameWidth - teachersWidth) / (labels.competencies.length + labels.levels.length);
  const widths = [nameWidth, teachersWidth, ...labels.competencies.map(() => figure), ...labels.levels.map(() => figure)];
  // Competency columns by level (KA.1-6, KD.1-6, KC.1-6), under a header naming the level, as on the page.
  const columns = labels.levels.flatMap((_, l) => MATRIX.map((row) => row[l]!));
  const headStyle = { font: 'b', size: 6.5, fill: HEAD_FILL } as const;
  const groups = pdfTable(doc, widths, [
    {
      cells: [
        { text: '', span: 2 },
        ...labels.levels.map((l) => ({ text: `${l.code} · ${l.title}`, span: 6, align: 'center' as const })),
        { text: t('reports:groups.allSix'), span: 3, align: 'center' },
      ],
      style: headStyle,
    },
    {
      cells: [
        metadata.grouping.label,
        { text: t('reports:columns.teachers'), align: 'right' },
        ...columns.map((i) => ({ text: labels.competencies[i]!.code, align: 'right' as const })),
        ...labels.levels.map((l) => ({ text: `${l.code} ×6`, align: 'right' as const })),
      ],
      style: headStyle,
    },
  ]);
  for (const counts of report.groups) {
    const g = figures(counts);
    groups.row(
      [
        groupName(g, t),
        { text: num(g.teachers), align: 'right' },
        ...columns.map((i) => heatCell(g.competencies[i]!, pct, num)),
        ...g.levels.map((cell) => heatCell(cell, pct, num)),
      ],
      { size: 6.5 },
    );
  }
  if (report.groups.length === 0) doc.font('r').fontSize(8.5).text(t('reports:groups.none'));
  legend(doc, t, lang);

  doc.moveDown(0.8);
  doc.font('r').fontSize(7.5).fillColor(MUTED);
  for (const note of metadata.notes) doc.text(note, PAGE.margin, doc.y, { width });
  const f = metadata.framework;
  doc.moveDown(0.4);
  doc.text(`${t('reports:meta.framework')}: ${f.name}, ${t('reports:meta.version', { version: f.version })}.`, { width });
  doc.text(`${t('reports:meta.citation')}: ${f.citation}`, { width });
  doc.text(`${t('reports:meta.licence')}: ${f.licence} (${f.licenceUrl}). ${f.attribution}`, { width });
  doc.end();
}

/** The colour scale's key: a swatch and the range of each step. */
function legend(doc: PDFKit.PDFDocument, t: TFunction, lang: string): void {
  const numbers = new Intl.NumberFormat(NUMBER_LOCALES[lang] ?? 'en-GB');
  if (doc.y + 20 > PAGE.height - PAGE.margin) doc.addPage();
  const y = doc.y + 4;
  let x = PAGE.margin;
  doc
    .font('b')
    .fontSize(7)
    .fillColor('#1b2430')
    .text(`${t('reports:legend.heading')}:`, x, y + 1, { lineBreak: false });
  x += doc.widthOfString(`${t('reports:legend.heading')}:`) + 8;
  for (const step of HEAT_STEPS) {
    const label = step.level === 0 ? t('reports:legend.none') : t('reports:legend.range', { from: numbers.format(step.from), to: numbers.format(step.to) });
    doc.rect(x, y, 14, 9).fillAndStroke(step.background, '#8a96a3');
    doc
      .font('r')
      .fontSize(7)
      .fillColor('#1b2430')
      .text(label, x + 18, y + 1, { lineBreak: false });
    x += 18 + doc.widthOfString(label) + 12;
  }
  doc.x = PAGE.margin;
  doc.y = y + 14;
}
