import type { Response } from 'express';

/**
 * Over HTTPS the name carries the __Host- prefix: browsers then accept the cookie only when it is
 * Secure, for Path=/ and without a Domain, so a sibling subdomain cannot plant or shadow a session.
 * Plain http (development, tests) cannot use the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-session' : 'session';
}

export function setSessionCookie(res: Response, token: string, expiresAt: number, secure: boolean): void {
  res.cookie(sessionCookieName(secure), token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires: new Date(expiresAt) });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), { httpOnly: true, sameSite: 'lax', path: '/', secure });
}
