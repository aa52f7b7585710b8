import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { expect } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { oneTimeTokens, users } from '../../server/db/schema.ts';
import { pdfObjects, readPdf } from '../certificates/pdf-text.ts';
import { upload, type Agent } from '../cohorts/fixtures.ts';
import { binaryBody } from '../helpers.ts';

// Reading sign-in slips back: the text, the link annotations, and the QR codes as module grids.

export const EN_HEADING = 'Your personal sign-in slip';
export const RU_HEADING = 'Ваш личный листок для входа';

/** Posts to the slips route; `users` as a string ("1,2"), an array (repeated fields) or left out. */
export function postSlips(agent: Agent, cohortId: number, users?: string | string[], lang?: 'en' | 'ru') {
  const req = agent.post(`/cohorts/${cohortId}/slips.pdf${lang ? `?lang=${lang}` : ''}`).type('form');
  return (users === undefined ? req.send({}) : req.send({ users })).buffer(true).parse(binaryBody);
}

/**
 * Imports pending accounts (no password, created by the trainer) as active members from
 * `email,name,language` rows. The import shows links of its own: their tokens are dropped, so
 * that the tests count only the tokens the slips make.
 */
export async function importLearners(db: Db, agent: Agent, cohortId: number, rows: [string, string, 'en' | 'ru'][]) {
  const csv = `email,name,language\n${rows.map((r) => r.join(',')).join('\n')}\n`;
  const res = await upload(agent, cohortId, csv, { action: 'confirm' });
  expect(res.status).toBe(200);
  await db.delete(oneTimeTokens).where(eq(oneTimeTokens.purpose, 'signin'));
}

export async function userIdOf(db: Db, email: string): Promise<number> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row!.id;
}

export async function signinTokens(db: Db) {
  return db.select().from(oneTimeTokens).where(eq(oneTimeTokens.purpose, 'signin'));
}

/** Every URI of a link annotation, in file order, without repeats. */
export function linkUris(pdf: Buffer): string[] {
  const uris = [...pdf.toString('latin1').matchAll(/\/URI \(([^)]*)\)/g)].map((m) => m[1] as string);
  return [...new Set(uris)];
}

/**
 * The QR codes drawn in the PDF as module grids: each is a Figure whose squares are drawn on a
 * one-unit grid (`x y w 1 re`) after a scaling `cm`, up to the fill (`f`).
 */
export function qrGrids(pdf: Buffer): boolean[][][] {
  const grids: boolean[][][] = [];
  for (const [, o] of pdfObjects(pdf)) {
    if (!o.stream) continue;
    const content = o.stream.toString('latin1');
    for (const block of content.matchAll(/\/Figure <<[^>]*>> BDC\s+q\s+[^\n]*cm\s+[^\n]*cm\s+([\s\S]*?)\nf\b/g)) {
      const runs = [...(block[1] ?? '').matchAll(/(\d+) (\d+) (\d+) 1 re/g)].map((m) => m.slice(1, 4).map(Number) as [number, number, number]);
      const n = Math.max(...runs.map(([x, , w]) => x + w));
      const grid = Array.from({ length: n }, () => Array<boolean>(n).fill(false));
      for (const [x, y, w] of runs) for (let i = x; i < x + w; i++) grid[y]![i] = true;
      grids.push(grid);
    }
  }
  return grids;
}

/** The module grid the QR code of `text` must have (same library and error correction as the slips). */
export function expectedGrid(text: string): boolean[][] {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  return Array.from({ length: n }, (_, row) => Array.from({ length: n }, (_, col) => !!qr.modules.data[row * n + col]));
}

export function pdfLines(pdf: Buffer): string[] {
  return readPdf(pdf).lines;
}
