import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// DejaVu Sans (Regular and Bold) from the dejavu-fonts-ttf package, never a system font: it
// covers Latin with Sámi, Polish and Vietnamese letters, and Cyrillic.

let fontBuffers: { regular: Buffer; bold: Buffer } | undefined;
/** DejaVu Sans from the dejavu-fonts-ttf package, read once per process (never a system font). */
function fontFiles(): { regular: Buffer; bold: Buffer } {
  if (!fontBuffers) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontBuffers = { regular: fs.readFileSync(path.join(dir, 'DejaVuSans.ttf')), bold: fs.readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')) };
  }
  return fontBuffers;
}

/**
 * The fonts as pdfkit should receive them: the file's bytes, which each document parses for
 * itself. A parsed (fontkit) font shared between documents once saved the parse, but it lost
 * glyphs: after a few documents a subset could leave a letter of the verification code out
 * (test/certificates/pdf.test.ts renders many certificates in one process to catch it).
 */
export function fonts(): { regular: PDFKit.Mixins.PDFFontSource; bold: PDFKit.Mixins.PDFFontSource } {
  return fontFiles();
}
