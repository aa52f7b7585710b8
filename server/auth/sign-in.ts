import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { rememberLanguage } from '../http/i18n.ts';
import { setSessionCookie } from './cookies.ts';
import { createSession, invalidateSession, type Session } from './sessions.ts';

/**
 * Starts a fresh session (never reusing one: no fixation) and remembers the user's language. A
 * session this browser already had ends here, rather than living on unseen until it expires
 * (someone signing in over another person's session on a shared school computer).
 */
export async function signIn(deps: Deps, res: Response, user: { id: number; language: 'en' | 'ru' }): Promise<void> {
  const previous = res.locals.session as Session | undefined;
  if (previous) await invalidateSession(deps.db, previous.id);
  const { token, session } = await createSession(deps.db, user.id);
  setSessionCookie(res, token, session.expiresAt, deps.config.secureCookies);
  rememberLanguage(res, user.language, deps.config.secureCookies);
}
