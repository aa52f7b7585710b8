import zlib from 'node:zlib';

// A small PDF reader for tests, enough for pdfkit output: it inflates the streams, reads each
// Type0 font's ToUnicode CMap, and decodes the glyph ids shown by Tj/TJ back into text. A
// certificate whose text was drawn as outlines, or with glyphs that map to nothing, yields no
// text here, so the assertions really fail.

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

export function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  for (let m = header.exec(s); m; m = header.exec(s)) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    const streamAt = s.indexOf('stream', start);
    if (streamAt < 0 || streamAt > end) {
      objects.set(Number(m[1]), { dict: s.slice(start, end) });
      continue;
    }
    const dict = s.slice(start, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
    let dataStart = streamAt + 'stream'.length;
    if (s[dataStart] === '\r') dataStart++;
    if (s[dataStart] === '\n') dataStart++;
    let data = pdf.subarray(dataStart, dataStart + length);
    if (/\/Filter \/FlateDecode/.test(dict)) data = zlib.inflateSync(data);
    objects.set(Number(m[1]), { dict, stream: data });
    header.lastIndex = dataStart + length;
  }
  return objects;
}

/** glyph code -> text, from a ToUnicode CMap (bfrange with arrays, bfrange with a start value, bfchar). */
function parseCMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.replace(/\s+/g, '').match(/.{4}/g) ?? []).map((h) => Number.parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F\s]+>)/g)) {
      const from = Number.parseInt(m[1] as string, 16);
      const to = Number.parseInt(m[2] as string, 16);
      const target = m[3] as string;
      if (target.startsWith('[')) {
        let code = from;
        for (const v of target.matchAll(/<([0-9a-fA-F\s]*)>/g)) map.set(code++, utf16(v[1] as string));
      } else {
        const base = target.slice(1, -1).replace(/\s+/g, '');
        for (let code = from; code <= to; code++) {
          const last = Number.parseInt(base.slice(-4), 16) + (code - from);
          map.set(code, utf16(base.slice(0, -4) + last.toString(16).padStart(4, '0')));
        }
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) map.set(Number.parseInt(m[1] as string, 16), utf16(m[2] as string));
  }
  return map;
}

export interface PdfFacts {
  /** One string per BT … ET text object, in drawing order. */
  lines: string[];
  /** BaseFont names of every font in the file. */
  fonts: string[];
  /** True when every font used is embedded (FontFile2 / FontFile3). */
  allFontsEmbedded: boolean;
}

export function readPdf(pdf: Buffer): PdfFacts {
  const objects = pdfObjects(pdf);
  const text = (id: number) => {
    const o = objects.get(id);
    return o?.stream ? o.stream.toString('latin1') : '';
  };
  // Font resource name (F1…) -> glyph map, from every resource dictionary in the file.
  const cmaps = new Map<string, Map<number, string>>();
  const fonts: string[] = [];
  let allFontsEmbedded = true;
  for (const [, o] of objects) {
    const fontDict = /\/Font\s*<<([^>]*)>>/.exec(o.dict);
    if (fontDict) {
      for (const ref of (fontDict[1] ?? '').matchAll(/\/(\S+)\s+(\d+) 0 R/g)) {
        const font = objects.get(Number(ref[2]));
        const toUnicode = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
        if (toUnicode) cmaps.set(ref[1] as string, parseCMap(text(Number(toUnicode[1]))));
      }
    }
    if (/\/Type \/Font\b/.test(o.dict)) {
      const base = /\/BaseFont \/(\S+)/.exec(o.dict)?.[1];
      if (base) fonts.push(base);
      if (/\/Subtype \/Type1\b/.test(o.dict)) allFontsEmbedded = false; // a standard (not embedded) font
    }
    if (/\/Type \/FontDescriptor/.test(o.dict) && !/\/FontFile[23]? /.test(o.dict)) allFontsEmbedded = false;
  }

  const lines: string[] = [];
  for (const [, o] of objects) {
    if (!o.stream || /\/(Type|Subtype|Length1)\b/.test(o.dict)) continue; // content streams only
    const content = o.stream.toString('latin1');
    if (!/\bBT\b/.test(content)) continue;
    for (const block of content.matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
      let font: Map<number, string> | undefined;
      let line = '';
      for (const op of (block[1] ?? '').matchAll(/\/(\S+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
        if (op[1]) font = cmaps.get(op[1]);
        const strings = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1] as string) : op[3] !== undefined ? [op[3]] : [];
        for (const hex of strings) for (const code of hex.match(/.{4}/g) ?? []) line += font?.get(Number.parseInt(code, 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
  }
  return { lines, fonts, allFontsEmbedded };
}
