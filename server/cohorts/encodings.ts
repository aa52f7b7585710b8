import type { Problem } from './csv-import.ts';

// Text files as Excel and older programs save them: UTF-8 (with or without a byte-order mark),
// UTF-16 with a byte-order mark ("Unicode text") and Windows-1251 (Cyrillic "CSV" from an older
// Excel). Anything else is refused rather than read as garbled names.

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1251';
export type Decoded = { ok: true; text: string; encoding: Encoding } | { ok: false; error: Problem };

const NOT_TEXT: Decoded = { ok: false, error: { key: 'import.errors.notCsv' } };
const UNKNOWN: Decoded = { ok: false, error: { key: 'import.errors.encoding' } };

function decode(buffer: Uint8Array, encoding: Encoding): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(buffer);
  } catch {
    return null;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const CYRILLIC = /[\u0401\u0410-\u044f\u0451]/;
const LATIN = /[A-Za-z]/;

/**
 * Windows-1251 is a guess, so it must be a good one: the letters beyond ASCII are Cyrillic (not
 * control characters or the rarer symbols of 0x80-0xBF), and they are not mixed into Latin words,
 * as the accented letters of a Latin-1 file would be ("Müller" read as "Mьller").
 */
function looksCyrillic(text: string): boolean {
  let cyrillic = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (CYRILLIC.test(text[i]!) && (LATIN.test(text[i - 1] ?? '') || LATIN.test(text[i + 1] ?? ''))) other++;
  }
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) continue;
    if ((code >= 0x0410 && code <= 0x044f) || code === 0x0401 || code === 0x0451) cyrillic++;
    else if (code === 0x2116 || code === 0x00ab || code === 0x00bb || code === 0x2013 || code === 0x2014 || code === 0x00a0) continue;
    else other++;
  }
  return cyrillic > 0 && other * 10 <= cyrillic;
}

/** Decodes the bytes of a text upload, saying which encoding was used. */
export function decodeBytes(buffer: Buffer): Decoded {
  let text: string | null;
  let encoding: Encoding;
  if (buffer[0] === 0xff && buffer[1] === 0xfe) [text, encoding] = [decode(buffer.subarray(2), 'utf-16le'), 'utf-16le'];
  else if (buffer[0] === 0xfe && buffer[1] === 0xff) [text, encoding] = [decode(buffer.subarray(2), 'utf-16be'), 'utf-16be'];
  else {
    if (buffer.includes(0)) return NOT_TEXT;
    encoding = 'utf-8';
    text = decode(buffer, 'utf-8');
    if (text === null) {
      const cyrillic = decode(buffer, 'windows-1251');
      if (cyrillic === null || !looksCyrillic(cyrillic)) return UNKNOWN;
      [text, encoding] = [cyrillic, 'windows-1251'];
    }
  }
  if (text === null) return UNKNOWN;
  if (text.includes('\u0000')) return NOT_TEXT;
  return { ok: true, text: stripBom(text), encoding };
}
