import PDFDocument from 'pdfkit';
import { fonts } from '../certificates/pdf-fonts.ts';

// Landscape A4 report PDFs in the certificates' fonts (DejaVu Sans, embedded), and the one table
// drawer they share: rows as tall as their tallest cell, a row never split across pages, and the
// header rows drawn again at the top of every new page.

export const PAGE = { width: 841.89, height: 595.28, margin: 36 } as const;
const INK = '#1b2430';
const RULE = '#c9d3df';

/** A new A4 landscape document in the certificates' fonts ('r' regular, 'b' bold), streamed to `out`. */
export function reportDocument(title: string, lang: string): PDFKit.PDFDocument {
  const { regular, bold } = fonts();
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: PAGE.margin, info: { Title: title }, lang });
  doc.registerFont('r', regular);
  doc.registerFont('b', bold);
  return doc;
}

export interface PdfCell {
  text: string;
  /** Columns this cell spans (header rows). */
  span?: number;
  fill?: string;
  color?: string;
  align?: 'left' | 'center' | 'right';
  /** A second, smaller line under the text (drawn as its own text, so a reader of the PDF finds each figure apart). */
  sub?: string;
}

export interface RowStyle {
  font?: 'r' | 'b';
  size?: number;
  fill?: string;
}

export interface PdfTable {
  /** Draws one row, starting a new page (and repeating the header) when it would not fit. */
  row(cells: (string | PdfCell)[], style?: RowStyle): void;
}

/**
 * A table of fixed column widths at the current position. `header` rows are drawn now and again
 * after every page break the table causes.
 */
export function pdfTable(doc: PDFKit.PDFDocument, widths: number[], header: { cells: (string | PdfCell)[]; style?: RowStyle }[] = []): PdfTable {
  const left = PAGE.margin;
  const right = left + widths.reduce((a, b) => a + b, 0);
  const bottom = PAGE.height - PAGE.margin;
  const pad = 2.5;

  const layout = (cells: (string | PdfCell)[]) => {
    let col = 0;
    return cells.map((c) => {
      const cell: PdfCell = typeof c === 'string' ? { text: c } : c;
      const span = cell.span ?? 1;
      const x = left + widths.slice(0, col).reduce((a, b) => a + b, 0);
      const width = widths.slice(col, col + span).reduce((a, b) => a + b, 0);
      col += span;
      return { cell, x, width };
    });
  };

  // Heights of texts already measured: a table of thousands of rows repeats the same few figures
  // ("0%", "100%", "1"), and laying out each again was most of the time of a big export.
  const heights = new Map<string, number>();
  const measure = (font: string, size: number, width: number, text: string) => {
    const key = `${font}|${size}|${width}|${text}`;
    let h = heights.get(key);
    if (h === undefined) {
      h = doc
        .font(font)
        .fontSize(size)
        .heightOfString(text, { width: width - 2 * pad });
      if (heights.size > 10_000) heights.clear();
      heights.set(key, h);
    }
    return h;
  };

  // A text that fits on one line is placed directly: pdfkit's line wrapper is most of the cost of
  // drawing a table of thousands of rows.
  const widthsOf = new Map<string, number>();
  const put = (text: string, font: string, size: number, x: number, y: number, width: number, align: PdfCell['align'] = 'left') => {
    doc.font(font).fontSize(size);
    const key = `${font}|${size}|${text}`;
    let w = widthsOf.get(key);
    if (w === undefined) {
      w = text.includes('\n') ? Number.POSITIVE_INFINITY : doc.widthOfString(text);
      if (widthsOf.size > 10_000) widthsOf.clear();
      widthsOf.set(key, w);
    }
    const room = width - 2 * pad;
    if (w > room) return void doc.text(text, x + pad, y, { width: room, align });
    const dx = align === 'right' ? room - w : align === 'center' ? (room - w) / 2 : 0;
    doc.text(text, x + pad + dx, y, { lineBreak: false });
  };

  const draw = (cells: (string | PdfCell)[], style: RowStyle, repeat: boolean) => {
    const font = style.font ?? 'r';
    const size = style.size ?? 7;
    const placed = layout(cells);
    const heightOf = (cell: PdfCell, width: number) =>
      measure(font, size, width, cell.text || ' ') + (cell.sub ? measure('r', size - 1.5, width, cell.sub) : 0);
    const h = Math.max(...placed.map(({ cell, width }) => heightOf(cell, width))) + 2 * pad;
    if (doc.y + h > bottom && repeat) {
      doc.addPage();
      for (const head of header) draw(head.cells, head.style ?? {}, false);
    }
    const y = doc.y;
    if (style.fill) doc.rect(left, y, right - left, h).fill(style.fill);
    for (const { cell, x, width } of placed) {
      if (cell.fill) doc.rect(x, y, width, h).fill(cell.fill);
      const color = cell.color ?? INK;
      doc.fillColor(color);
      put(cell.text, font, size, x, y + pad, width, cell.align);
      if (cell.sub) put(cell.sub, 'r', size - 1.5, x, y + pad + measure(font, size, width, cell.text || ' '), width, cell.align);
    }
    doc
      .moveTo(left, y + h)
      .lineTo(right, y + h)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.fillColor(INK);
    doc.x = left;
    doc.y = y + h;
  };

  // A header alone at the foot of a page helps nobody: start the table on the next page instead.
  if (doc.y + 60 > bottom) doc.addPage();
  for (const head of header) draw(head.cells, head.style ?? {}, false);
  return { row: (cells, style = {}) => draw(cells, style, true) };
}
