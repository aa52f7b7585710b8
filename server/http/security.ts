import helmet from 'helmet';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors.ts';

/**
 * helmet's headers (CSP, HSTS when secure, no sniffing, no framing, referrer policy...). None of
 * them depends on the request here (no CSP nonces: scripts and styles are files), so helmet runs
 * once at start against a recording response, and each request just gets the recorded headers:
 * a dozen chained middlewares per request were 5% of a page's CPU.
 */
export function securityHeaders(secure: boolean): RequestHandler {
  const headers = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  let ran = false;
  helmetMiddleware(secure)({} as Request, recorder as unknown as Response, () => {
    ran = true;
  });
  if (!ran) throw new Error('helmet did not finish synchronously: its headers cannot be recorded');
  const entries = [...headers];
  return (_req, res, next) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}

function helmetMiddleware(secure: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: secure,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Scheme, host and port of a URL ("null" and garbage give null, so they never match). */
function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Rejects cross-site writes: the Origin (or, when a browser omits it, the Referer) must be
 * BASE_URL's origin, scheme and port included. The Host header is not trusted: on an intranet a
 * rebound DNS name sends a Host of the attacker's choosing. With SameSite=Lax cookies this
 * replaces CSRF tokens, as Lucia advises.
 */
export function sameOriginWrites(baseUrl: string): RequestHandler {
  const allowed = new URL(baseUrl).origin;
  return (req: Request, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // Referer counts only when Origin is absent; an Origin of "null" (sandboxed frames, some redirects) is refused.
    const origin = req.get('Origin');
    const claimed = origin !== undefined ? originOf(origin) : originOf(req.get('Referer'));
    if (claimed === allowed) return next();
    next(new HttpError(403, 'errors:crossSite'));
  };
}
