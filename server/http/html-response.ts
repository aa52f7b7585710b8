import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

// Rendered pages are whole strings, so they are compressed in one call here rather than through
// the `compression` middleware's stream, whose set-up and tear-down cost more CPU than compressing
// a page (0.3-0.4 ms against 0.05-0.15 ms for 15-20 KB: see docs/PERFORMANCE.md). The call is
// zlib's asynchronous one, which runs on libuv's thread pool: the event loop goes on with other
// requests while another core compresses (with 50 connections, three alternating runs each:
// module pages 1,418-1,774 answers a second against 1,176-1,316 with the synchronous call). The middleware still handles everything
// streamed (CSV, JSON, PDF); it leaves alone a response that already has a Content-Encoding.

export function isPartialRequest(req: Request): boolean {
  // htmx 4 marks requests that swap part of a page; a full-page swap (or no htmx) gets the layout.
  return req.get('HX-Request-Type') === 'partial';
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** Smaller bodies gain nothing worth the CPU (the same threshold as the middleware's). */
const THRESHOLD = 1024;
// Measured on our pages (15-20 KB, English and Russian): gzip level 4 is within 3% of the size
// of gzip 6 and of Brotli quality 4 (the middleware's defaults) at a third to a half of their CPU.
// A Russian module page of 20.3 KB: gzip 4 gives 6.5 KB in 0.09 ms, gzip 6 6.3 KB in 0.26 ms,
// Brotli 4 6.3 KB in 0.18 ms. So gzip 4 is offered first; browsers list gzip first in
// Accept-Encoding, and a client that prefers Brotli (or accepts only it) gets Brotli.
const GZIP = { level: 4 };
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

/** gzip or Brotli, whichever the client ranks higher (at equal rank, the one it lists first), else none. */
export function chooseEncoding(req: Request): Encoding {
  const accepted = req.get('Accept-Encoding');
  if (!accepted) return 'identity';
  const choice = req.acceptsEncodings('gzip', 'br');
  return choice === 'br' || choice === 'gzip' ? choice : 'identity';
}

export interface EncodedBody {
  body: Buffer;
  /** What was applied: identity for small bodies whatever was asked. */
  encoding: Encoding;
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export async function encodeBody(html: string | Buffer, wanted: Encoding): Promise<EncodedBody> {
  const body = typeof html === 'string' ? Buffer.from(html) : html;
  if (wanted === 'identity' || body.length < THRESHOLD) return { body, encoding: 'identity' };
  return { body: wanted === 'br' ? await brotli(body, BROTLI) : await gzip(body, GZIP), encoding: wanted };
}

/**
 * Sends a rendered page. It varies with htmx's headers (fragment or whole page) and with
 * Accept-Encoding; res.send adds the ETag of the bytes sent and answers 304 when it matches.
 */
export function sendHtml(res: Response, { body, encoding }: EncodedBody): void {
  res.vary('HX-Request');
  res.vary('HX-Request-Type');
  res.vary('Accept-Encoding');
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  // A signed-in person's page is theirs: a school's shared proxy must not keep it, and the browser
  // asks again each time (a 304 when nothing changed). Pages that say more (no-store) keep theirs.
  if (res.locals.user && !res.getHeader('Cache-Control')) res.setHeader('Cache-Control', 'private, no-cache');
  res.type('html').send(body);
}
