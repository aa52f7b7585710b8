import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import { clearSessionCookie, sessionCookieName, setSessionCookie } from './cookies.ts';
import { validateSessionToken } from './sessions.ts';

/** Loads the session named by the cookie into res.locals (user, session) on every request. */
export function sessionMiddleware(db: Db, secureCookies: boolean): RequestHandler {
  return async (req, res, next) => {
    const token: unknown = req.cookies?.[sessionCookieName(secureCookies)];
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return next();
    const result = await validateSessionToken(db, token);
    if (!result) {
      clearSessionCookie(res, secureCookies);
      return next();
    }
    if (result.renewed) setSessionCookie(res, token, result.session.expiresAt, secureCookies);
    res.locals.user = result.user;
    res.locals.session = result.session;
    next();
  };
}
