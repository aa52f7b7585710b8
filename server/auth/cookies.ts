import type { Response } from 'express';

export const SESSION_COOKIE = 'session';

export function setSessionCookie(res: Response, token: string, expiresAt: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires: new Date(expiresAt) });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}
