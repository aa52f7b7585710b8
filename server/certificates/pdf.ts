import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { translator } from '../http/i18n.ts';
import { formatCode } from './code.ts';
import { fonts } from './pdf-fonts.ts';
import { type CertificateStatus, certificateUrl, competencyList, formatDateIn, formatHoursIn, labelLanguage } from './present.ts';

// A4 landscape certificate drawn with pdfkit. Text is real text in embedded DejaVu Sans
// (subset, with a ToUnicode map), so Cyrillic and Sámi, Polish or Vietnamese names print and
// can be searched and copied. The labels are in the course's language.

export interface PdfCertificate {
  code: string;
  learnerName: string;
  courseTitle: string;
  courseLanguage: string;
  hours: number;
  competencies: string[];
  issuerName: string;
  issuedAt: number;
  status: CertificateStatus;
}

const W = 841.89;
const H = 595.28;
const X = 70; // content left edge
const CONTENT = W - 2 * X;
const COLOR = { brand: '#0b5cad', ink: '#1b2430', muted: '#55606e', line: '#c9d3df', soft: '#f3f6f9', bad: '#a4262c' };
const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

type Doc = PDFKit.PDFDocument;

/** The largest size from max down to min at which text fits on one line of the given width. */
function fitOneLine(doc: Doc, text: string, font: string, max: number, min: number, width: number): number {
  doc.font(font);
  let size = max;
  while (size > min && doc.fontSize(size).widthOfString(text) > width) size -= 1;
  return size;
}

function centered(doc: Doc, text: string, y: number, options: { font: string; size: number; color: string; spacing?: number }): number {
  doc.font(options.font).fontSize(options.size).fillColor(options.color);
  const opts = { width: CONTENT, align: 'center' as const, characterSpacing: options.spacing ?? 0 };
  doc.text(text, X, y, opts);
  return doc.heightOfString(text, opts);
}

function drawFrame(doc: Doc): void {
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

/** The QR code as vector squares: sharp at any zoom and cheaper than an embedded image. */
function drawQr(doc: Doc, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.data[row * n + col]) doc.rect(x + col * cell, y + row * cell, cell, cell);
    }
  }
  doc.fillColor(COLOR.ink).fill();
  doc.link(x, y, size, size, url);
}

/** Competencies in one or two columns, shrinking the type until the list fits the height. */
function drawCompetencies(doc: Doc, items: { code: string; title: string }[], heading: string, top: number, bottom: number, width: number): void {
  if (items.length === 0) return;
  doc.font(BOLD).fontSize(9.5).fillColor(COLOR.brand).text(heading.toUpperCase(), X, top, { width, characterSpacing: 0.5, lineBreak: false });
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
  items.forEach((item, i) => {
    const col = Math.floor(i / perColumn);
    const x = X + col * (colWidth + gap);
    const y = listTop + fit.heights.slice(col * perColumn, i).reduce((a, b) => a + b, 0);
    doc.font(BOLD).fontSize(size).fillColor(COLOR.brand).text(item.code, x, y, { width: codeWidth, lineBreak: false });
    doc
      .font(REGULAR)
      .fontSize(size)
      .fillColor(COLOR.ink)
      .text(item.title, x + codeWidth, y, { width: colWidth - codeWidth });
  });
}

/** The grey box on the right: QR code, address and code, centred vertically in the box. */
function drawVerification(doc: Doc, t: (key: string) => string, url: string, code: string, box: { x: number; y: number; width: number; bottom: number }): void {
  const inner = box.width - 16;
  const qrSize = Math.max(64, Math.min(96, box.bottom - box.y - 84)); // smaller when a long course title leaves less room
  const label = (text: string, y: number) => {
    doc
      .font(REGULAR)
      .fontSize(7.5)
      .fillColor(COLOR.muted)
      .text(text, box.x + 8, y, { width: inner, align: 'center' });
    return doc.heightOfString(text, { width: inner });
  };
  doc.font(REGULAR).fontSize(7.5);
  const verifyHeight = doc.heightOfString(t('certificates:pdf.verify'), { width: inner });
  doc.fontSize(7);
  const urlHeight = doc.heightOfString(url, { width: inner });
  const contentHeight = qrSize + 10 + verifyHeight + 2 + urlHeight + 8 + 10 + 16;
  doc
    .rect(box.x, box.y, box.width, box.bottom - box.y)
    .fillColor(COLOR.soft)
    .fill();
  let y = box.y + Math.max(10, (box.bottom - box.y - contentHeight) / 2);
  doc
    .rect(box.x + (box.width - qrSize) / 2 - 6, y - 6, qrSize + 12, qrSize + 12)
    .fillColor('#ffffff')
    .fill(); // quiet zone
  drawQr(doc, url, box.x + (box.width - qrSize) / 2, y, qrSize);
  y += qrSize + 10;
  y += label(t('certificates:pdf.verify'), y) + 2;
  doc
    .font(REGULAR)
    .fontSize(7)
    .fillColor(COLOR.brand)
    .text(url, box.x + 8, y, { width: inner, align: 'center', link: url });
  y += urlHeight + 8;
  y += label(t('certificates:pdf.code'), y);
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor(COLOR.ink)
    .text(formatCode(code), box.x + 8, y + 1, { width: inner, align: 'center', characterSpacing: 1 });
}

/** A value above a rule with its label below, like a signed line; long values wrap upwards onto two lines. */
function drawSignature(doc: Doc, value: string, label: string, x: number, y: number, width: number): void {
  const size = fitOneLine(doc, value, BOLD, 11, 9, width);
  doc.font(BOLD).fontSize(size).fillColor(COLOR.ink);
  const height = doc.heightOfString(value, { width });
  doc.text(value, x, y + 14 - height, { width, height: size * 2.6, ellipsis: true });
  doc
    .moveTo(x, y + 19)
    .lineTo(x + width, y + 19)
    .lineWidth(0.75)
    .strokeColor(COLOR.muted)
    .stroke();
  doc
    .font(REGULAR)
    .fontSize(8.5)
    .fillColor(COLOR.muted)
    .text(label, x, y + 24, { width, lineBreak: false });
}

function drawStamp(doc: Doc, text: string): void {
  doc.save();
  doc.rotate(-20, { origin: [W / 2, H / 2] });
  doc
    .fillOpacity(0.2)
    .fillColor(COLOR.bad)
    .font(BOLD)
    .fontSize(fitOneLine(doc, text, BOLD, 110, 40, W - 160));
  doc.text(text, 0, H / 2 - 60, { width: W, align: 'center', lineBreak: false });
  doc.restore();
}

export interface PdfOptions {
  baseUrl: string;
  /** Tests and inspection only: leave the streams uncompressed. */
  compress?: boolean;
}

/** Renders one certificate as a PDF. */
export function renderCertificatePdf(cert: PdfCertificate, options: PdfOptions): Promise<Buffer> {
  const lang = labelLanguage(cert.courseLanguage);
  const t = translator(lang);
  const url = certificateUrl(options.baseUrl, cert.code);
  const { regular, bold } = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    compress: options.compress ?? true,
    lang,
    displayTitle: true,
    info: {
      Title: t('certificates:pdf.documentTitle', { course: cert.courseTitle, name: cert.learnerName }),
      Author: cert.issuerName,
      Subject: cert.courseTitle,
      Keywords: 'ICT-CFT, certificate',
      Creator: cert.issuerName,
      CreationDate: new Date(cert.issuedAt),
    },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  drawFrame(doc);
  let y = 54;
  y += centered(doc, cert.issuerName.toUpperCase(), y, { font: BOLD, size: 10, color: COLOR.brand, spacing: 1 }) + 8;
  const title = t('certificates:pdf.title');
  y += centered(doc, title, y, { font: BOLD, size: fitOneLine(doc, title, BOLD, 30, 18, CONTENT), color: COLOR.ink }) + 6;
  doc
    .moveTo(W / 2 - 36, y)
    .lineTo(W / 2 + 36, y)
    .lineWidth(2)
    .strokeColor(COLOR.brand)
    .stroke();
  y += 14;
  y += centered(doc, t('certificates:pdf.certify'), y, { font: REGULAR, size: 12, color: COLOR.muted }) + 4;
  const nameSize = fitOneLine(doc, cert.learnerName, BOLD, 30, 14, CONTENT - 40);
  y += centered(doc, cert.learnerName, y + (30 - nameSize) / 2, { font: BOLD, size: nameSize, color: COLOR.ink }) + 10 + (30 - nameSize) / 2;
  y += centered(doc, t('certificates:pdf.completed'), y, { font: REGULAR, size: 12, color: COLOR.muted }) + 4;
  let courseSize = 19;
  doc.font(BOLD);
  while (courseSize > 11 && doc.fontSize(courseSize).heightOfString(cert.courseTitle, { width: CONTENT - 40 }) > courseSize * 2.6) courseSize -= 1;
  y += centered(doc, cert.courseTitle, y, { font: BOLD, size: courseSize, color: COLOR.brand }) + 4;
  const hours = t('certificates:hours', { count: cert.hours, hours: formatHoursIn(lang, cert.hours) });
  y += centered(doc, t('certificates:pdf.studyTime', { hours }), y, { font: REGULAR, size: 11, color: COLOR.muted });

  // Lower half: competencies on the left, the verification block on the right, signatures below.
  const qrBox = { width: 150, x: W - X - 150 };
  const signaturesY = H - 118;
  drawCompetencies(doc, competencyList(cert.competencies, lang), t('certificates:pdf.competencies'), y + 24, signaturesY - 16, qrBox.x - X - 30);

  drawVerification(doc, t, url, cert.code, { x: qrBox.x, y: y + 24, width: qrBox.width, bottom: signaturesY + 34 });

  drawSignature(doc, formatDateIn(lang, cert.issuedAt), t('certificates:pdf.date'), X, signaturesY, 190);
  drawSignature(doc, cert.issuerName, t('certificates:pdf.issuer'), X + 230, signaturesY, qrBox.x - X - 260);

  doc
    .font(REGULAR)
    .fontSize(7)
    .fillColor(COLOR.muted)
    .text(t('certificates:pdf.framework'), X, H - 50, { width: CONTENT, align: 'center', lineBreak: false });

  if (cert.status !== 'valid') drawStamp(doc, t(`certificates:pdf.stamp.${cert.status}`));
  doc.end();
  return done;
}
