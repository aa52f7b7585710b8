import { Router } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { findByUnsubscribeToken, switchRemindersOff } from './queries.ts';
import { tokenParam } from './schemas.ts';

/**
 * The unsubscribe link of a reminder, signed in or not. GET only shows a confirmation form: mail
 * scanners and link previews fetch links, and must not unsubscribe anyone. The form's POST (same
 * origin, so it passes the cross-site check) switches reminders off for that one membership.
 */
export function unsubscribeRoutes({ db }: Pick<Deps, 'db'>): Router {
  const router = Router();

  const membership = async (token: unknown) => {
    const parsed = tokenParam.safeParse(token);
    const row = parsed.success ? await findByUnsubscribeToken(db, parsed.data) : undefined;
    if (!row) throw new HttpError(404, 'reminders:unsubscribe.notFound');
    return { token: parsed.data as string, row };
  };

  router.get('/reminders/unsubscribe/:token', async (req, res) => {
    const { token, row } = await membership(req.params.token);
    // The token is a credential: keep the page out of caches and its URL out of Referer headers.
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    await render(req, res, 'reminders/unsubscribe', { token, cohortName: row.cohortName, done: false });
  });

  router.post('/reminders/unsubscribe/:token', async (req, res) => {
    const { token, row } = await membership(req.params.token);
    await switchRemindersOff(db, token);
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    await render(req, res, 'reminders/unsubscribe', { token, cohortName: row.cohortName, done: true });
  });

  return router;
}
