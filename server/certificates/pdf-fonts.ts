import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

// DejaVu Sans (Regular and Bold) from the dejavu-fonts-ttf package, never a system font: it
// covers Latin with Sámi, Polish and Vietnamese letters, and Cyrillic.

let fontBuffers: { regular: Buffer; bold: Buffer } | undefined;
let parsedFonts: { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource } | undefined;

/** DejaVu Sans from the dejavu-fonts-ttf package, read once per process (never a system font). */
function fontFiles(): { regular: Buffer; bold: Buffer } {
  if (!fontBuffers) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontBuffers = { regular: fs.readFileSync(path.join(dir, 'DejaVuSans.ttf')), bold: fs.readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')) };
  }
  return fontBuffers;
}

/**
 * The fonts as pdfkit should receive them. Parsing a 700 KB TrueType file is most of the cost of a
 * certificate, so the parsed (fontkit) fonts are kept and shared: pdfkit accepts a parsed font in
 * place of a buffer and makes a fresh subset per document. pdfkit has no public way to parse
 * one, so we take it from a throwaway document, and fall back to the buffers if that ever changes.
 */
export function fonts(): { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource } {
  if (!parsedFonts) {
    const files = fontFiles();
    const parse = (file: Buffer): PDFKit.Mixins.PDFFontSource => {
      const probe = new PDFDocument({ autoFirstPage: false }).font(file) as unknown as { _font?: { font?: { layout?: unknown } } };
      const parsed = probe._font?.font;
      return typeof parsed?.layout === 'function' ? (parsed as unknown as PDFKit.Mixins.PDFFontSource) : file;
    };
    parsedFonts = { regular: parse(files.regular), bold: parse(files.bold) };
  }
  return parsedFonts;
}
