import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { compileView } from './templates.ts';
import { chooseEncoding, encodeBody, isPartialRequest, sendHtml } from './html-response.ts';
import { storeIfShared } from './page-cache.ts';

const VIEWS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../views');
let cacheTemplates = false;

/** Production compiles each template once; development re-reads them so edits show at once. */
export function configureViews(options: { cache: boolean }): void {
  cacheTemplates = options.cache;
}

function renderFile(view: string, data: Record<string, unknown>): string {
  return compileView(path.join(VIEWS, `${view}.ejs`), { root: VIEWS, cache: cacheTemplates })(data) as string;
}

interface RenderOptions {
  /** The fragment an htmx partial request gets; the page itself includes the same partial. */
  fragment?: string;
  status?: number;
}

/** The one render helper: a full page for browsers, the fragment for htmx partial requests. */
export async function render(req: Request, res: Response, view: string, locals: Record<string, unknown> = {}, options: RenderOptions = {}): Promise<void> {
  const data = { ...res.locals, ...locals };
  let html: string;
  if (isPartialRequest(req)) {
    html = renderFile(options.fragment ?? view, data);
  } else {
    const body = renderFile(view, data);
    html = renderFile('layout', { ...data, body });
  }
  if (options.status) res.status(options.status);
  const status = res.statusCode; // the error handler sets it before rendering
  const encoding = chooseEncoding(req);
  sendHtml(res, await (storeIfShared(res, html, encoding, status) ?? encodeBody(html, encoding)));
}

/** A view rendered on its own (no layout) with the request's locals: a document inside a download. */
export function renderStandalone(res: Response, view: string, locals: Record<string, unknown> = {}): string {
  return renderFile(view, { ...res.locals, ...locals });
}

/** Redirect after a write: htmx follows HX-Redirect, a plain form follows 303 See Other. */
export function redirect(req: Request, res: Response, url: string): void {
  if (req.get('HX-Request') === 'true') {
    res.setHeader('HX-Redirect', url);
    res.status(204).end();
    return;
  }
  res.redirect(303, url);
}
