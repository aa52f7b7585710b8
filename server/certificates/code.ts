import crypto from 'node:crypto';

// Verification codes are typed by people from paper, so the alphabet leaves out the
// characters that are easy to confuse (0/O, 1/I/L) and the code is case-insensitive.
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10; // 31^10 ≈ 8 × 10^14 codes: enumeration is hopeless at 60 lookups a minute
const CODE_PATTERN = /^[2-9A-HJKMNP-Z]{10,20}$/;
// Spaces and every kind of dash people (or word processors) put between the groups.
const SEPARATORS = /[\s\-_\u2010-\u2015\u2212]/g;
// Cyrillic letters that look like the Latin ones of the alphabet: a code read off paper and typed
// with a Russian keyboard layout switched on comes out in them.
const LOOK_ALIKES: Record<string, string> = { А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', З: '3' };
const CYRILLIC_LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'g');

/** A fresh random code (crypto random, no modulo bias). */
export function generateCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A code that `exists` does not know yet; collisions are astronomically rare, but retried. */
export async function uniqueCode(exists: (code: string) => boolean | Promise<boolean>, attempts = 8): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const code = generateCode();
    if (!(await exists(code))) return code;
  }
  throw new Error('could not find an unused certificate code');
}

/** The stored form of what someone typed: upper-case, without spaces or dashes; null if it cannot be a code. */
export function normaliseCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 100) return null;
  const code = input
    .normalize('NFKC')
    .replace(SEPARATORS, '')
    .toUpperCase()
    .replace(CYRILLIC_LOOK_ALIKE, (c) => LOOK_ALIKES[c] ?? c);
  return CODE_PATTERN.test(code) ? code : null;
}

/** The printed form, in groups of five: ABCDE-FGHJK. */
export function formatCode(code: string): string {
  return (code.match(/.{1,5}/g) ?? [code]).join('-');
}
