import type { Response } from 'express';

/** Sends a JSON document that wallets and verifiers fetch, from browsers on other origins too. */
export function publicJson(res: Response, body: unknown, type: string, filename?: string): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cache-Control', 'no-cache');
  if (filename) res.setHeader('Content-Disposition', `inline; filename="${filename}"`);
  res.type(type).send(JSON.stringify(body, null, 2));
}
