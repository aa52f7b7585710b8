import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
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

export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // body-parser errors carry a status (413 too large, 400 malformed); multer's carry a code.
    const status = err instanceof HttpError ? err.status : typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) logger.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return res.end();
    const messageKey = err instanceof HttpError ? err.messageKey : `errors:status.${status}`;
    const params = err instanceof HttpError ? err.params : {};
    res.status(status);
    if (status === 429 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '60');
    if (req.accepts(['html', 'json']) === 'json' && !req.accepts('html')) {
      res.json({ error: res.locals.t ? res.locals.t(messageKey, params) : messageKey });
      return;
    }
    render(req, res, 'errors/error', {
      status,
      messageKey,
      params,
      stack: showStack && status >= 500 ? String(err?.stack ?? err) : null,
    }).catch((renderErr: unknown) => {
      logger.error({ err: renderErr }, 'error page failed to render');
      if (!res.headersSent) res.type('text/plain').send(`Error ${status}`);
    });
  };
}
