import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { redactUrl } from './redact.ts';
import { render } from './render.ts';

/** The one error type handlers throw: a status and a translation key for the message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string = `errors:status.${status}`,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageKey);
  }
}

export const notFound: RequestHandler = (_req, _res, next) => next(new HttpError(404));

/**
 * The status and message an error answers with. Request input is only ever parsed with zod, so a
 * ZodError that escapes a handler is bad input (a repeated field, an object where text belongs):
 * 422, never a 500. body-parser errors carry a status (413 too large, 400 malformed).
 */
function answerFor(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return new HttpError(422, 'errors:invalidInput');
  const status = (err as { status?: unknown } | null)?.status;
  return new HttpError(typeof status === 'number' && status >= 400 && status < 500 ? status : 500);
}

interface ErrorPageOptions {
  showStack: boolean;
  /** The middlewares that give every page its language, t() and view helpers. */
  pageLocals: RequestHandler[];
}

export function errorHandler(logger: Logger, { showStack, pageLocals }: ErrorPageOptions): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, messageKey, params } = answerFor(err);
    if (status >= 500) logger.error({ err, url: redactUrl(req.originalUrl) }, 'request failed');
    if (res.headersSent) return res.end();
    res.status(status);
    if (status === 429 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '60');
    const answer = async () => {
      // An error raised before those middlewares ran (a bad static path, a failing session lookup)
      // still gets the page in the reader's language: they are synchronous and safe to run here.
      if (!res.locals.t) for (const handler of pageLocals) handler(req, res, () => {});
      if (req.accepts(['html', 'json']) === 'json' && !req.accepts('html')) {
        res.json({ error: res.locals.t(messageKey, params) });
        return;
      }
      const stack = showStack && status >= 500 ? String(err?.stack ?? err) : null;
      await render(req, res, 'errors/error', { status, messageKey, params, stack });
    };
    answer().catch((renderErr: unknown) => {
      logger.error({ err: renderErr, url: redactUrl(req.originalUrl) }, 'error page failed to render');
      if (!res.headersSent) res.type('text/plain').send(`Error ${status}`);
    });
  };
}
