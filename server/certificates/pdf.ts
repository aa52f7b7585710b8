import PDFDocument from 'pdfkit';
import { translator } from '../http/i18n.ts';
import { fonts } from './pdf-fonts.ts';
import {
  artifact,
  BOLD,
  COLOR,
  CONTENT,
  centered,
  collectPdf,
  drawCompetencies,
  drawFrame,
  drawSignature,
  drawStamp,
  drawVerification,
  fitOneLine,
  H,
  REGULAR,
  tagged,
  W,
  X,
} from './pdf-parts.ts';
import { type CertificateStatus, certificateUrl, competencyList, formatDateIn, formatHoursIn, labelLanguage } from './present.ts';

// A4 landscape certificate drawn with pdfkit. Text is real text in embedded DejaVu Sans
// (subset, with a ToUnicode map), so Cyrillic and Sámi, Polish or Vietnamese names print and
// can be searched and copied. The labels are in the course's language; the issuer's name is the
// one the certificate stored when issued (issuerNameFor in server/config.ts picks it by the
// course's language), so the PDF, the page and the credential agree. The PDF is
// tagged: screen readers get its language, its title, and the text in reading order as headings,
// paragraphs, a list and links, while the frame and rules are marked as decoration.

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
  const title = t('certificates:pdf.documentTitle', { course: cert.courseTitle, name: cert.learnerName });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    compress: options.compress ?? true,
    // Tagged PDF (structure tree, marked content) needs PDF 1.4 or later; 1.7 is what readers expect.
    pdfVersion: '1.7',
    tagged: true,
    lang,
    displayTitle: true,
    info: {
      Title: title,
      Author: cert.issuerName,
      Subject: cert.courseTitle,
      Keywords: 'ICT-CFT, certificate',
      Creator: cert.issuerName,
      CreationDate: new Date(cert.issuedAt),
    },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  const done = collectPdf(doc);
  const root = doc.struct('Document');
  doc.addStructure(root);
  const text = (type: string, value: string, y: number, style: Parameters<typeof centered>[3], options?: PDFKit.Mixins.StructureElementOptions) =>
    tagged(doc, root, type, () => centered(doc, value, y, style), options);

  artifact(doc, () => drawFrame(doc));
  let y = 54;
  y += text('P', cert.issuerName.toUpperCase(), y, { font: BOLD, size: 10, color: COLOR.brand, spacing: 1 }, { actual: cert.issuerName }) + 8;
  const heading = t('certificates:pdf.title');
  y += text('H1', heading, y, { font: BOLD, size: fitOneLine(doc, heading, BOLD, 30, 18, CONTENT), color: COLOR.ink }) + 6;
  artifact(doc, () =>
    doc
      .moveTo(W / 2 - 36, y)
      .lineTo(W / 2 + 36, y)
      .lineWidth(2)
      .strokeColor(COLOR.brand)
      .stroke(),
  );
  y += 14;
  y += text('P', t('certificates:pdf.certify'), y, { font: REGULAR, size: 12, color: COLOR.muted }) + 4;
  const nameSize = fitOneLine(doc, cert.learnerName, BOLD, 30, 14, CONTENT - 40);
  y += text('P', cert.learnerName, y + (30 - nameSize) / 2, { font: BOLD, size: nameSize, color: COLOR.ink }) + 10 + (30 - nameSize) / 2;
  y += text('P', t('certificates:pdf.completed'), y, { font: REGULAR, size: 12, color: COLOR.muted }) + 4;
  let courseSize = 19;
  doc.font(BOLD);
  while (courseSize > 11 && doc.fontSize(courseSize).heightOfString(cert.courseTitle, { width: CONTENT - 40 }) > courseSize * 2.6) courseSize -= 1;
  y += text('P', cert.courseTitle, y, { font: BOLD, size: courseSize, color: COLOR.brand }) + 4;
  const hours = t('certificates:hours', { count: cert.hours, hours: formatHoursIn(lang, cert.hours) });
  y += text('P', t('certificates:pdf.studyTime', { hours }), y, { font: REGULAR, size: 11, color: COLOR.muted });

  // Lower half: competencies on the left, the verification block on the right, signatures below.
  const qrBox = { width: 150, x: W - X - 150 };
  const signaturesY = H - 118;
  drawCompetencies(doc, root, competencyList(cert.competencies, lang), t('certificates:pdf.competencies'), y + 24, signaturesY - 16, qrBox.x - X - 30);

  drawVerification(doc, root, t, url, cert.code, { x: qrBox.x, y: y + 24, width: qrBox.width, bottom: signaturesY + 34 });

  drawSignature(doc, root, formatDateIn(lang, cert.issuedAt), t('certificates:pdf.date'), X, signaturesY, 190);
  drawSignature(doc, root, cert.issuerName, t('certificates:pdf.issuer'), X + 230, signaturesY, qrBox.x - X - 260);

  tagged(doc, root, 'P', () =>
    doc
      .font(REGULAR)
      .fontSize(7)
      .fillColor(COLOR.muted)
      .text(t('certificates:pdf.framework'), X, H - 50, { width: CONTENT, align: 'center', lineBreak: false }),
  );

  if (cert.status !== 'valid') drawStamp(doc, root, t(`certificates:pdf.stamp.${cert.status}`));
  root.end();
  doc.end();
  return done;
}
