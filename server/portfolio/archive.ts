import { once } from 'node:events';
import type { Response } from 'express';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Db } from '../db/client.ts';
import { findFile, type StoredFile } from '../files/queries.ts';
import type { FileStore } from '../files/store.ts';
import type { Portfolio } from './portfolio.ts';

// The portfolio as a ZIP streamed to the response: index.html (written by the caller) beside the
// teacher's own work, each written answer as a text file and each uploaded file as it was stored,
// under names the index links to. Files already compressed (PDF, images, office) are stored as
// they are; text is deflated. Memory holds one file at a time.

/** A name safe inside a ZIP on every system: no folders, no reserved characters, not too long. */
export function zipSafeName(name: string): string {
  const cleaned = [...name]
    .map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/^\.+/, '_')
    .trim();
  return (cleaned || 'file').slice(-120);
}

/** Where each version's artefacts go inside the ZIP (the index links to these). */
export function archivePaths(portfolio: Portfolio) {
  const text = new Map<number, string>();
  const file = new Map<number, string>();
  for (const w of portfolio.work) {
    for (const v of w.versions) {
      const folder = `work/${w.courseSlug}/${w.moduleSlug}`;
      if (v.text || v.url) text.set(v.id, `${folder}/v${v.version}.txt`);
      if (v.file && v.file.deletedAt === null) file.set(v.id, `${folder}/v${v.version}-${zipSafeName(v.file.name)}`);
    }
  }
  const recognition = new Map<number, string>();
  for (const r of portfolio.recognised) if (r.file && r.file.deletedAt === null) recognition.set(r.id, `recognition/${r.id}-${zipSafeName(r.file.name)}`);
  return { text, file, recognition };
}

export async function sendPortfolioZip(res: Response, db: Db, store: FileStore, portfolio: Portfolio, indexHtml: string, fileName: string) {
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  let waiting: Promise<unknown> | null = null;
  let failed: Error | null = null;
  const zip = new Zip((error, chunk, final) => {
    if (error) failed = error;
    else if (!res.write(chunk)) waiting = once(res, 'drain');
    if (final || error) res.end();
  });
  const caughtUp = async () => {
    if (waiting) await Promise.race([waiting, once(res, 'close')]);
    waiting = null;
  };
  const deflated = (name: string, text: string) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(Buffer.from(text, 'utf8'), true);
  };
  const stored = async (name: string, file: Pick<StoredFile, 'storageKey'>) => {
    const stream = await store.open(file.storageKey);
    if (!stream) return;
    const entry = new ZipPassThrough(name);
    zip.add(entry);
    for await (const chunk of stream) {
      entry.push(chunk as Buffer);
      await caughtUp();
      if (res.destroyed) return;
    }
    entry.push(new Uint8Array(0), true);
  };

  deflated('index.html', indexHtml);
  const paths = archivePaths(portfolio);
  for (const w of portfolio.work) {
    for (const v of w.versions) {
      const textPath = paths.text.get(v.id);
      if (textPath) deflated(textPath, [v.text ?? '', v.url ?? ''].filter(Boolean).join('\n\n'));
      const filePath = paths.file.get(v.id);
      const file = filePath && v.file ? await findFile(db, v.file.id) : undefined;
      if (filePath && file) await stored(filePath, file);
      await caughtUp();
      if (res.destroyed || failed) return;
    }
  }
  for (const r of portfolio.recognised) {
    const path = paths.recognition.get(r.id);
    if (path && r.file) await stored(path, r.file);
    await caughtUp();
    if (res.destroyed || failed) return;
  }
  zip.end();
}
