import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { fonts } from '../certificates/pdf-fonts.ts';
import { artifact, BOLD, COLOR, collectPdf, fitOneLine, REGULAR, tagged } from '../certificates/pdf-parts.ts';
import { isLanguage, type Language, translator } from '../http/i18n.ts';

// Printable sign-in slips: A4 portrait, four A6 slips per page (2×2) with dashed cut lines. Each
// slip is in its learner's language and carries a QR code of the personal sign-in link, about
// 46 mm across (modules over 1 mm: phone cameras read it at arm's length, even from a
// photocopy). The QR code is drawn as vector squares on a one-unit grid, so it stays sharp when
// printed. Text is real text in the bundled DejaVu Sans (Cyrillic included), and the PDF is
// tagged, each slip a section in its own language, so screen readers read it correctly.

export const PAGE = { width: 595.28, height: 841.89 };
const COLUMNS = 2;
const ROWS = 2;
const SLIP = { width: PAGE.width / COLUMNS, height: PAGE.height / ROWS };
const PAD = 24;
const INNER = SLIP.width - 2 * PAD;
const QR_SIZE = 130; // points: 45.9 mm

export interface Slip {
  name: string;
  email: string;
  language: string;
  link: string;
}

export interface SlipOptions {
  issuerName: string;
  baseUrl: string;
  cohortName: string;
  /** When the links stop working (ms); printed in each learner's language. */
  expiresAt: number;
  /** The language of the document's title (the person printing). */
  language: Language;
  /** Tests and inspection only: leave the streams uncompressed. */
  compress?: boolean;
}

type Doc = PDFKit.PDFDocument;

/** Date and time in UTC, spelled the way the learner reads dates. */
function expiryIn(lang: Language, ms: number): string {
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
}

/** The QR code as filled squares, one unit per module, runs of dark modules merged into one rectangle. */
function drawQr(doc: Doc, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  doc.save();
  doc.translate(x, y).scale(size / n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.data[row * n + col]) continue;
      const start = col;
      while (col + 1 < n && qr.modules.data[row * n + col + 1]) col++;
      doc.rect(start, row, col - start + 1, 1);
    }
  }
  doc.fillColor(COLOR.ink).fill();
  doc.restore();
}

function drawCutLines(doc: Doc, cut: string): void {
  artifact(doc, () => {
    doc.save().lineWidth(0.5).strokeColor(COLOR.muted).dash(4, { space: 3 });
    for (let c = 1; c < COLUMNS; c++)
      doc
        .moveTo(c * SLIP.width, 0)
        .lineTo(c * SLIP.width, PAGE.height)
        .stroke();
    for (let r = 1; r < ROWS; r++)
      doc
        .moveTo(0, r * SLIP.height)
        .lineTo(PAGE.width, r * SLIP.height)
        .stroke();
    doc.restore();
    doc
      .font(REGULAR)
      .fontSize(6)
      .fillColor(COLOR.muted)
      .text(`✂ ${cut}`, 8, PAGE.height - 12, { lineBreak: false });
  });
}

type Drawing = SlipOptions & { expiry: Record<Language, string> };

/**
 * Lays one slip out from its top, drawing it when `section` is given and only measuring it
 * otherwise; returns the height used. Text sizes are multiplied by `k` (the QR code keeps its size).
 */
function layoutSlip(doc: Doc, slip: Slip, options: Drawing, at: { left: number; top: number }, k: number, section?: PDFKit.PDFStructureElement): number {
  const lang: Language = isLanguage(slip.language) ? slip.language : 'en';
  const t = translator(lang);
  const host = new URL(options.baseUrl).host;
  const { left } = at;
  let y = at.top;
  const block = (type: string, text: string, font: string, size: number, color: string, gap: number, extra: PDFKit.Mixins.TextOptions = {}) => {
    const opts = { width: INNER, align: 'center' as const, ...extra };
    doc.font(font).fontSize(size * k);
    // Names and addresses of any length keep the layout: at most `lines` lines, then an ellipsis.
    const height = Math.min(doc.heightOfString(text, opts), extra.height ?? Number.POSITIVE_INFINITY);
    if (section) tagged(doc, section, type, () => doc.fillColor(color).text(text, left, y, opts));
    y += height + gap * k;
  };
  const lines = (size: number, n: number) => ({ height: size * k * 1.2 * n + 1, ellipsis: true });

  block('P', options.issuerName, BOLD, 9, COLOR.brand, 2, lines(9, 2));
  block('P', t('slips:pdf.cohort', { cohort: options.cohortName }), REGULAR, 8, COLOR.muted, 8, lines(8, 2));
  block('H1', t('slips:pdf.heading'), REGULAR, 8.5, COLOR.muted, 2);
  const nameSize = fitOneLine(doc, slip.name, BOLD, 17 * k, 10 * k, INNER) / k;
  block('P', slip.name, BOLD, nameSize, COLOR.ink, 2, lines(nameSize, 2));
  block('P', t('slips:pdf.login', { email: slip.email }), REGULAR, 7.5, COLOR.muted, 8, lines(7.5, 2));

  const qrX = left + (INNER - QR_SIZE) / 2;
  if (section) {
    const link = doc.struct('Link');
    section.add(link);
    const top = y;
    tagged(doc, link, 'Figure', () => drawQr(doc, slip.link, qrX, top, QR_SIZE), { alt: t('slips:pdf.qrAlt') });
    doc.link(qrX, top, QR_SIZE, QR_SIZE, slip.link, { structParent: link } as PDFKit.Mixins.AnnotationOption);
    link.end();
  }
  y += QR_SIZE + 8 * k;

  // The address to type stays on one line: a long host name is set smaller.
  const site = t('slips:pdf.site', { host });
  block('P', site, BOLD, fitOneLine(doc, site, BOLD, 12 * k, 7 * k, INNER) / k, COLOR.ink, 6, lines(12, 2));
  block('P', t('slips:pdf.step1'), REGULAR, 8, COLOR.ink, 3, { align: 'left' });
  block('P', t('slips:pdf.step2', { host }), REGULAR, 8, COLOR.ink, 5, { align: 'left' });
  block('P', t('slips:pdf.personalAddress'), REGULAR, 7.5, COLOR.muted, 1, { align: 'left' });
  // The personal address in full, for a learner without a camera (it wraps between characters).
  block('Link', slip.link, BOLD, 8, COLOR.brand, 6, { align: 'left', link: slip.link });
  block('P', t('slips:pdf.expires', { date: options.expiry[lang] }), BOLD, 7.5, COLOR.ink, 2, { align: 'left' });
  block('P', t('slips:pdf.private'), REGULAR, 7, COLOR.muted, 0, { align: 'left' });
  return y - at.top;
}

/** Draws slip `index` (0-3) of the page, its text set as large as fits the slip. */
function drawSlip(doc: Doc, root: PDFKit.PDFStructureElement, slip: Slip, options: Drawing, index: number): void {
  const at = { left: (index % COLUMNS) * SLIP.width + PAD, top: Math.floor(index / COLUMNS) * SLIP.height + PAD };
  let k = 1;
  while (k > 0.7 && layoutSlip(doc, slip, options, at, k) > SLIP.height - 2 * PAD) k -= 0.05;
  const lang = isLanguage(slip.language) ? slip.language : 'en';
  const section = doc.struct('Sect', { lang });
  root.add(section);
  layoutSlip(doc, slip, options, at, k, section);
  section.end();
}

/**
 * Renders the slips, four to an A4 page, as one PDF. A page takes a few milliseconds and a large
 * cohort hundreds of pages, so the event loop gets a turn after every page: other requests are
 * served while a long PDF is drawn.
 */
export async function renderSlipsPdf(slips: Slip[], options: SlipOptions): Promise<Buffer> {
  const t = translator(options.language);
  const { regular, bold } = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: options.compress ?? true,
    pdfVersion: '1.7',
    tagged: true,
    lang: options.language,
    displayTitle: true,
    info: { Title: t('slips:pdf.documentTitle', { cohort: options.cohortName }), Author: options.issuerName, Creator: options.issuerName },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  const done = collectPdf(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const drawing = { ...options, expiry: { en: expiryIn('en', options.expiresAt), ru: expiryIn('ru', options.expiresAt) } };
  for (const [i, slip] of slips.entries()) {
    if (i % (COLUMNS * ROWS) === 0) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      doc.addPage();
      drawCutLines(doc, t('slips:pdf.cut'));
    }
    drawSlip(doc, root, slip, drawing, i % (COLUMNS * ROWS));
  }
  root.end();
  doc.end();
  return done;
}
