import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { rememberLanguage } from '../http/i18n.ts';
import { setSessionCookie } from './cookies.ts';
import { createSession } from './sessions.ts';

/** Starts a fresh session (never reusing one: no fixation) and remembers the user's language. */
export function signIn(deps: Deps, res: Response, user: { id: number; language: 'en' | 'ru' }): void {
  const { token, session } = createSession(deps.db, user.id);
  setSessionCookie(res, token, session.expiresAt, deps.config.secureCookies);
  rememberLanguage(res, user.language, deps.config.secureCookies);
}
