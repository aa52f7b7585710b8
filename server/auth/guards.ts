import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { redirect } from '../http/render.ts';
import type { SessionUser } from './sessions.ts';

/** The signed-in user, set by the session middleware (undefined for visitors). */
export function currentUser(res: Response): SessionUser | undefined {
  return res.locals.user as SessionUser | undefined;
}

/** Like currentUser, for handlers behind requireUser. */
export function signedInUser(res: Response): SessionUser {
  const user = currentUser(res);
  if (!user) throw new HttpError(401);
  return user;
}

export function hasRole(user: SessionUser | undefined, role: Role): boolean {
  return !!user && (user.roles.includes(role) || (role === 'trainer' && user.roles.includes('admin')));
}

/**
 * Only local paths are accepted after sign-in, so /login?next= cannot send people elsewhere.
 * Browsers percent-encode the URLs they request, so only printable ASCII is accepted: anything
 * else could not go into an HX-Redirect header.
 */
export function safeNext(value: unknown, fallback = '/dashboard'): string {
  if (typeof value !== 'string' || !/^\/[!-~]*$/.test(value) || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

/** The page an htmx write was sent from; the header is client-supplied, so a bad one is ignored. */
function currentPagePath(req: Request): string {
  try {
    return new URL(req.get('HX-Current-URL') ?? '').pathname;
  } catch {
    return '/dashboard';
  }
}

function sendToLogin(req: Request, res: Response): void {
  const next = req.method === 'GET' ? req.originalUrl : currentPagePath(req);
  redirect(req, res, `/login?next=${encodeURIComponent(safeNext(next))}`);
}

export const requireUser: RequestHandler = (req, res, next) => {
  if (!currentUser(res)) return sendToLogin(req, res);
  next();
};

/** Visitors are sent to sign in; signed-in users without the role get 403. Admins hold every trainer right. */
export function requireRole(role: Role): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = currentUser(res);
    if (!user) return sendToLogin(req, res);
    if (!hasRole(user, role)) return next(new HttpError(403));
    next();
  };
}
