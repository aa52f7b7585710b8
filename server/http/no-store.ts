import type { RequestHandler, Response } from 'express';

/**
 * Where pages and downloads show other people's data (cohorts, administration, reports, every
 * export) or a person's whole record: neither a shared proxy nor the browser's disk may keep them.
 * Mounted in app.ts before any route, so error pages there get it too; sendHtml keeps a header already set.
 */
export const NOT_STORED_PATHS = ['/cohorts', '/admin', '/dashboard/records.json', '/files'];

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** True when the response must not be kept anywhere, our own shared-page cache included. */
export function mustNotStore(res: Response): boolean {
  return /\bno-store\b/.test(String(res.getHeader('Cache-Control') ?? ''));
}
