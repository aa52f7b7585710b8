import QRCode from 'qrcode';
import { formatCode } from './code.ts';

// The pieces of the certificate PDF (server/certificates/pdf.ts): page geometry, the tagging
// helpers, and the blocks it is drawn from, each filed in the structure tree screen readers read.

export const W = 841.89;
export const H = 595.28;
export const X = 70; // content left edge
export const CONTENT = W - 2 * X;
export const COLOR = { brand: '#0b5cad', ink: '#1b2430', muted: '#55606e', line: '#c9d3df', soft: '#f3f6f9', bad: '#a4262c' };
export const REGULAR = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';

export type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/** Draws content as one structure element (P, H1, Link…) of `parent`, returning what `draw` returns. */
export function tagged<T>(doc: Doc, parent: Struct, type: string, draw: () => T, options: PDFKit.Mixins.StructureElementOptions = {}): T {
  let result: T | undefined;
  parent.add(
    doc.struct(type, options, () => {
      result = draw();
    }),
  );
  return result as T;
}

/** Draws decoration that screen readers skip. */
export function artifact(doc: Doc, draw: () => void): void {
  doc.markContent('Artifact');
  draw();
  doc.endMarkedContent();
}

/** The largest size from max down to min at which text fits on one line of the given width. */
export function fitOneLine(doc: Doc, text: string, font: string, max: number, min: number, width: number): number {
  doc.font(font);
  let size = max;
  while (size > min && doc.fontSize(size).widthOfString(text) > width) size -= 1;
  return size;
}

export function centered(doc: Doc, text: string, y: number, options: { font: string; size: number; color: string; spacing?: number }): number {
  doc.font(options.font).fontSize(options.size).fillColor(options.color);
  const opts = { width: CONTENT, align: 'center' as const, characterSpacing: options.spacing ?? 0 };
  doc.text(text, X, y, opts);
  return doc.heightOfString(text, opts);
}

export function drawFrame(doc: Doc): void {
  doc
    .rect(16, 16, W - 32, H - 32)
    .lineWidth(3)
    .strokeColor(COLOR.brand)
    .stroke();
  doc
    .rect(25, 25, W - 50, H - 50)
    .lineWidth(0.75)
    .strokeColor(COLOR.brand)
    .stroke();
  // Small squares in the corners between the two lines.
  for (const [cx, cy] of [
    [25, 25],
    [W - 25, 25],
    [25, H - 25],
    [W - 25, H - 25],
  ] as const) {
    doc
      .rect(cx - 4, cy - 4, 8, 8)
      .fillColor(COLOR.brand)
      .fill();
  }
}

/** The QR code as vector squares (sharp at any zoom, cheaper than an image): a figure inside a link. */
function drawQr(doc: Doc, parent: Struct, url: string, alt: string, box: { x: number; y: number; size: number }): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = box.size / n;
  const link = doc.struct('Link');
  parent.add(link);
  tagged(
    doc,
    link,
    'Figure',
    () => {
      for (let row = 0; row < n; row++) {
        for (let col = 0; col < n; col++) {
          if (qr.modules.data[row * n + col]) doc.rect(box.x + col * cell, box.y + row * cell, cell, cell);
        }
      }
      doc.fillColor(COLOR.ink).fill();
    },
    { alt },
  );
  // pdfkit files the link annotation under the structure element it is given (untyped option).
  doc.link(box.x, box.y, box.size, box.size, url, { structParent: link } as PDFKit.Mixins.AnnotationOption);
  link.end();
}

/** Competencies in one or two columns, shrinking the type until the list fits the height. */
export function drawCompetencies(
  doc: Doc,
  parent: Struct,
  items: { code: string; title: string }[],
  heading: string,
  top: number,
  bottom: number,
  width: number,
): void {
  if (items.length === 0) return;
  // Upper case is only the look: screen readers get the heading as written.
  tagged(
    doc,
    parent,
    'H2',
    () => doc.font(BOLD).fontSize(9.5).fillColor(COLOR.brand).text(heading.toUpperCase(), X, top, { width, characterSpacing: 0.5, lineBreak: false }),
    {
      actual: heading,
    },
  );
  const listTop = top + 20;
  const columns = items.length > 5 ? 2 : 1;
  const gap = 18;
  const colWidth = (width - gap * (columns - 1)) / columns;
  const codeWidth = 34;
  const perColumn = Math.ceil(items.length / columns);
  const layout = (size: number) => {
    doc.font(REGULAR).fontSize(size);
    const heights = items.map((c) => Math.max(doc.heightOfString(c.title, { width: colWidth - codeWidth }), size * 1.25) + size * 0.35);
    let tallest = 0;
    for (let col = 0; col < columns; col++)
      tallest = Math.max(
        tallest,
        heights.slice(col * perColumn, (col + 1) * perColumn).reduce((a, b) => a + b, 0),
      );
    return { heights, tallest };
  };
  let size = 10.5;
  let fit = layout(size);
  while (size > 6.5 && listTop + fit.tallest > bottom) {
    size -= 0.5;
    fit = layout(size);
  }
  const list = doc.struct('L');
  parent.add(list);
  items.forEach((item, i) => {
    const col = Math.floor(i / perColumn);
    const x = X + col * (colWidth + gap);
    const y = listTop + fit.heights.slice(col * perColumn, i).reduce((a, b) => a + b, 0);
    const entry = doc.struct('LI');
    list.add(entry);
    tagged(doc, entry, 'Lbl', () => doc.font(BOLD).fontSize(size).fillColor(COLOR.brand).text(item.code, x, y, { width: codeWidth, lineBreak: false }));
    tagged(doc, entry, 'LBody', () =>
      doc
        .font(REGULAR)
        .fontSize(size)
        .fillColor(COLOR.ink)
        .text(item.title, x + codeWidth, y, { width: colWidth - codeWidth }),
    );
    entry.end();
  });
  list.end();
}

/** The grey box on the right: QR code, address and code, centred vertically in the box. */
export function drawVerification(
  doc: Doc,
  parent: Struct,
  t: (key: string, options?: Record<string, unknown>) => string,
  url: string,
  code: string,
  box: { x: number; y: number; width: number; bottom: number },
): void {
  const inner = box.width - 16;
  const qrSize = Math.max(64, Math.min(96, box.bottom - box.y - 84)); // smaller when a long course title leaves less room
  const label = (text: string, y: number) =>
    tagged(doc, parent, 'P', () => {
      doc
        .font(REGULAR)
        .fontSize(7.5)
        .fillColor(COLOR.muted)
        .text(text, box.x + 8, y, { width: inner, align: 'center' });
      return doc.heightOfString(text, { width: inner });
    });
  doc.font(REGULAR).fontSize(7.5);
  const verifyHeight = doc.heightOfString(t('certificates:pdf.verify'), { width: inner });
  doc.fontSize(7);
  const urlHeight = doc.heightOfString(url, { width: inner });
  const contentHeight = qrSize + 10 + verifyHeight + 2 + urlHeight + 8 + 10 + 16;
  let y = box.y + Math.max(10, (box.bottom - box.y - contentHeight) / 2);
  artifact(doc, () => {
    doc
      .rect(box.x, box.y, box.width, box.bottom - box.y)
      .fillColor(COLOR.soft)
      .fill();
    doc
      .rect(box.x + (box.width - qrSize) / 2 - 6, y - 6, qrSize + 12, qrSize + 12)
      .fillColor('#ffffff')
      .fill(); // quiet zone
  });
  drawQr(doc, parent, url, t('certificates:pdf.qrAlt', { url }), { x: box.x + (box.width - qrSize) / 2, y, size: qrSize });
  y += qrSize + 10;
  y += label(t('certificates:pdf.verify'), y) + 2;
  tagged(doc, parent, 'Link', () =>
    doc
      .font(REGULAR)
      .fontSize(7)
      .fillColor(COLOR.brand)
      .text(url, box.x + 8, y, { width: inner, align: 'center', link: url }),
  );
  y += urlHeight + 8;
  y += label(t('certificates:pdf.code'), y);
  // The code is typed from paper: always on one line, so a code of wide letters (WMWMW-MWMWM)
  // is set a little smaller instead of being wrapped at its hyphen.
  const shown = formatCode(code);
  let size = 12;
  doc.font(BOLD);
  while (size > 8 && doc.fontSize(size).widthOfString(shown, { characterSpacing: 1 }) > inner) size -= 0.5;
  tagged(doc, parent, 'P', () =>
    doc
      .fontSize(size)
      .fillColor(COLOR.ink)
      .text(shown, box.x + 8, y + 1, { width: inner, align: 'center', characterSpacing: 1, lineBreak: false }),
  );
}

/** A value above a rule with its label below, like a signed line; long values wrap upwards onto two lines. */
export function drawSignature(doc: Doc, parent: Struct, value: string, label: string, x: number, y: number, width: number): void {
  // Screen readers get the label first ("Issued by", then the name): both are built before either
  // is drawn, as pdfkit draws an element's content when it joins the tree.
  const valueElement = doc.struct('P', {}, () => {
    const size = fitOneLine(doc, value, BOLD, 11, 9, width);
    doc.font(BOLD).fontSize(size).fillColor(COLOR.ink);
    const height = doc.heightOfString(value, { width });
    doc.text(value, x, y + 14 - height, { width, height: size * 2.6, ellipsis: true });
  });
  tagged(doc, parent, 'P', () =>
    doc
      .font(REGULAR)
      .fontSize(8.5)
      .fillColor(COLOR.muted)
      .text(label, x, y + 24, { width, lineBreak: false }),
  );
  parent.add(valueElement);
  artifact(doc, () =>
    doc
      .moveTo(x, y + 19)
      .lineTo(x + width, y + 19)
      .lineWidth(0.75)
      .strokeColor(COLOR.muted)
      .stroke(),
  );
}

export function drawStamp(doc: Doc, parent: Struct, text: string): void {
  tagged(doc, parent, 'P', () => {
    doc.save();
    doc.rotate(-20, { origin: [W / 2, H / 2] });
    doc
      .fillOpacity(0.2)
      .fillColor(COLOR.bad)
      .font(BOLD)
      .fontSize(fitOneLine(doc, text, BOLD, 110, 40, W - 160));
    doc.text(text, 0, H / 2 - 60, { width: W, align: 'center', lineBreak: false });
    doc.restore();
  });
}

/**
 * The document's bytes once it ends. Listening starts at once (call it before drawing); a failure
 * before the caller awaits does not count as an unhandled rejection.
 */
export function collectPdf(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  done.catch(() => {});
  return done;
}
