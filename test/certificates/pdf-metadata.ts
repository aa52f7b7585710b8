import { pdfObjects } from './pdf-text.ts';

// What a screen reader learns about a pdfkit PDF before reading it: the catalog's language, the
// document title and whether viewers show it, and the structure tree of a tagged PDF.

export interface PdfMetadata {
  lang?: string;
  title?: string;
  displayTitle: boolean;
  /** MarkInfo /Marked true: the content is marked for assistive technology. */
  marked: boolean;
  /** The structure element types (Document, H1, P, L, Link…), in file order (children first). */
  structure: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** A literal string `(…)` at the start of `text`: escapes undone, UTF-16BE (with its BOM) decoded. */
function decodeLiteral(text: string): string | undefined {
  const start = text.indexOf('(');
  if (start < 0) return undefined;
  let bytes = '';
  for (let i = start + 1; i < text.length && text[i] !== ')'; i++) {
    if (text[i] === '\\') {
      const next = text[++i] ?? '';
      bytes += ESCAPES[next] ?? next;
    } else bytes += text[i];
  }
  if (!bytes.startsWith('\xfe\xff')) return bytes;
  return Buffer.from(bytes.slice(2), 'latin1').swap16().toString('utf16le');
}

/** The string value of `/key` in a dictionary, given inline or (as pdfkit writes Info) as a reference. */
function stringValue(objects: ReturnType<typeof pdfObjects>, dict: string, key: string): string | undefined {
  const value = new RegExp(`/${key}\\s*(\\(|(\\d+) 0 R)`).exec(dict);
  if (!value) return undefined;
  if (value[2]) return decodeLiteral(objects.get(Number(value[2]))?.dict ?? '');
  return decodeLiteral(dict.slice(value.index));
}

export function readPdfMetadata(pdf: Buffer): PdfMetadata {
  const byId = pdfObjects(pdf);
  const objects = [...byId.values()];
  const catalog = objects.find((o) => /\/Type \/Catalog\b/.test(o.dict))?.dict ?? '';
  const infoId = /\/Info (\d+) 0 R/.exec(pdf.toString('latin1'))?.[1];
  const info = infoId ? (byId.get(Number(infoId))?.dict ?? '') : '';
  const markInfo = objects.some((o) => /\/Marked true/.test(o.dict));
  return {
    lang: stringValue(byId, catalog, 'Lang'),
    title: stringValue(byId, info, 'Title'),
    displayTitle: objects.some((o) => /\/DisplayDocTitle true/.test(o.dict)),
    marked: markInfo && /\/StructTreeRoot \d+ 0 R/.test(catalog),
    structure: objects.flatMap((o) => {
      const type = /^\s*<<\s*\/S \/(\w+)/.exec(o.dict)?.[1];
      return type ? [type] : [];
    }),
  };
}
