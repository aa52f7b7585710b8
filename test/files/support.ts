import fs from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import express, { type Express } from 'express';
import type { Config } from '../../server/config.ts';
import type { Db } from '../../server/db/client.ts';
import { storedFiles } from '../../server/db/schema.ts';
import { saveFile } from '../../server/files/queries.ts';
import { fileStore } from '../../server/files/store.ts';
import { ACCEPT_ATTRIBUTE } from '../../server/files/types.ts';
import { fileUpload, uploadOf } from '../../server/files/upload.ts';
import { languageMiddleware } from '../../server/http/i18n.ts';
import { viewHelpers } from '../../server/http/locals.ts';
import { render } from '../../server/http/render.ts';

/** Every file under the uploads folder (relative paths), temporary ones included. */
export function filesOnDisk(config: Config): string[] {
  if (!fs.existsSync(config.uploadsPath)) return [];
  return (fs.readdirSync(config.uploadsPath, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(config.uploadsPath, p)).isFile());
}

export async function storedCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(storedFiles);
  return Number(row?.n ?? 0);
}

/**
 * A small app standing in for a feature's form: POST /upload reads the file through fileUpload,
 * answers 422 with the problem in the reader's language, or stores the file; GET /link/:id renders
 * the _file-link partial for a row handed in by the test, GET /input the _file-input partial.
 */
export function uploadApp(db: Db, config: Config, ownerId: number, rows: Map<number, unknown> = new Map()): Express {
  const app = express();
  app.use(languageMiddleware(false), viewHelpers(config));
  app.use(express.urlencoded({ extended: false }));
  app.post('/upload', fileUpload(config), async (req, res) => {
    const body = { ...req.body };
    const upload = uploadOf(req);
    if (!upload.ok) {
      res.status(422).json({ problem: upload.problem, message: res.locals.t(upload.problem), body });
      return;
    }
    if (!upload.file) {
      res.json({ file: null, body });
      return;
    }
    const file = await saveFile(db, fileStore(config), { ownerId, ...upload.file, now: Date.now() });
    res.json({ file, body });
  });
  app.get('/link/:id', async (req, res) => {
    req.headers['hx-request-type'] = 'partial';
    await render(req, res, 'files/_file-link', { file: rows.get(Number(req.params.id)), deleteBack: req.query.back });
  });
  app.get('/input', async (req, res) => {
    req.headers['hx-request-type'] = 'partial';
    await render(req, res, 'files/_file-input', { accept: ACCEPT_ATTRIBUTE, maxBytes: config.maxUploadBytes, error: req.query.error, required: true });
  });
  return app;
}
