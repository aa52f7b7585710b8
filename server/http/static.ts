import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STATIC = path.join(ROOT, 'static');
const HTMX = path.join(ROOT, 'node_modules/htmx.org/dist/htmx.min.js');

const versions = new Map<string, string>();

function fileVersion(file: string): string {
  let v = versions.get(file);
  if (!v) {
    v = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
    versions.set(file, v);
  }
  return v;
}

/** URL of a static file with its content hash, so it can be cached for a year. */
export function asset(name: string): string {
  const file = name === 'vendor/htmx.min.js' ? HTMX : path.join(STATIC, name);
  return `/static/${name}?v=${fileVersion(file)}`;
}

export function staticRouter(): Router {
  const router = express.Router();
  const setHeaders = (res: express.Response) => {
    // A versioned URL never changes content; an unversioned one may, so keep it short.
    const versioned = (res.req.query as Record<string, unknown>).v !== undefined;
    res.setHeader('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
  };
  router.get('/vendor/htmx.min.js', (_req, res) => {
    setHeaders(res);
    res.sendFile(HTMX, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' }, cacheControl: false });
  });
  router.use(express.static(STATIC, { cacheControl: false, setHeaders, index: false, fallthrough: true }));
  return router;
}
