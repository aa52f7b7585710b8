import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { redactUrl } from './redact.ts';

/**
 * One log line per request once it is answered (or abandoned): method, URL, status, time taken
 * and the signed-in user's id. pino-http did this with a child logger, a request id and full
 * request/response serialisers for every request, even with logging switched off: 7-8% of a
 * page's CPU at 1,000 requests a second. Server errors are also logged by the error handler.
 * URLs are redacted: one-time links carry their secret in the path.
 */
export function accessLog(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) return (_req, _res, next) => next();
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const status = res.statusCode;
      const line = {
        method: req.method,
        url: redactUrl(req.originalUrl),
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: res.locals.user?.id,
      };
      if (!res.writableFinished) logger.warn(line, 'request aborted');
      else if (status >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
