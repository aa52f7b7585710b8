import { pipeline } from 'node:stream';
import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireUser, safeNext, signedInUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { deleteFile, type StoredFile, viewableFile } from './queries.ts';
import { fileStore } from './store.ts';

/** A positive integer id from the path, or null (so /files/abc is a plain 404). */
function fileId(req: Request): number | null {
  const raw = String(req.params.id ?? '');
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(id) ? id : null;
}

/** The download headers: never shown inline, never sniffed into HTML, scripts sandboxed, kept nowhere. */
function downloadHeaders(res: Response, file: StoredFile): void {
  // Express's attachment() writes RFC 6266: an ASCII fallback and filename*=UTF-8'' for other scripts.
  res.attachment(file.name);
  res.setHeader('Content-Type', file.mediaType);
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'private, no-store');
}

/** GET /files/:id (owner, their cohort's trainers, administrators) and POST /files/:id/delete (owner, administrators). */
export function fileRoutes(deps: Deps): Router {
  const { db, config, logger } = deps;
  const store = fileStore(config);
  const router = Router();
  router.use('/files/:id', requireUser);

  router.get('/files/:id', async (req, res) => {
    const id = fileId(req);
    const file = id === null ? null : await viewableFile(db, id, signedInUser(res));
    if (!file) throw new HttpError(404);
    if (file.deletedAt !== null) return render(req, res, 'files/deleted', { file }, { status: 410 });
    const stream = await store.open(file.storageKey);
    if (!stream) {
      // A row without bytes is our fault (a lost disk, a bad restore), not the reader's.
      logger.error({ fileId: file.id }, 'stored file missing from the file store');
      throw new HttpError(404);
    }
    downloadHeaders(res, file);
    // pipeline closes the file when the reader goes away half-way; that alone is not worth a log line.
    pipeline(stream, res, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.error({ err, fileId: file.id }, 'sending a stored file failed');
    });
  });

  router.post('/files/:id/delete', async (req, res) => {
    const id = fileId(req);
    // Someone who may not delete it learns nothing about it: 404, as for a file that does not exist.
    const file = id === null ? null : await deleteFile(db, store, id, signedInUser(res), Date.now());
    if (!file) throw new HttpError(404);
    redirect(req, res, safeNext(formText(req.body?.back), '/dashboard'));
  });

  return router;
}
