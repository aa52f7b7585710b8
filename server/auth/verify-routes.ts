import { Router } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { mailEnabled } from '../mail/transport.ts';
import { currentUser, requireUser, signedInUser } from './guards.ts';
import { consumeToken, findUsableToken } from './queries.ts';
import { perAddressLimiter } from './rate-limit.ts';
import { isVerified, sendVerificationMail, verifyEmail } from './verification.ts';

const NOTICES = new Set(['sent', 'notSent']);

/** E-mail address verification: the link from the sign-up mail, the status page and "send it again". */
export function verifyRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  // The dashboard's "confirm your e-mail address" banner (auth/_verify-banner), only where a link can be mailed.
  router.use((_req, res, next) => {
    const user = currentUser(res);
    res.locals.confirmEmail = !!user && !isVerified(user) && mailEnabled(config);
    next();
  });
  router.use('/verify', perAddressLimiter(db, 'verify-links', 30));

  router.get('/verify', (req, res) => {
    const user = currentUser(res);
    // Signed out, only the end of the confirmation (below) has something to say.
    if (!user && req.query.confirmed !== '1') return redirect(req, res, '/login?next=/verify');
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
    return render(req, res, 'auth/verify', { person: user ?? null, verified: user ? isVerified(user) : true, mail: mailEnabled(config), notice });
  });

  router.post('/verify/resend', requireUser, async (req, res) => {
    const user = signedInUser(res);
    if (isVerified(user) || !mailEnabled(config)) return redirect(req, res, '/verify');
    // Awaited: only the owner sees the answer, and it should say whether the mail went.
    const sent = await sendVerificationMail(deps, user);
    redirect(req, res, `/verify?notice=${sent ? 'sent' : 'notSent'}`);
  });

  const verifyToken = async (token: string) => {
    const row = await findUsableToken(db, token, 'verify');
    if (!row?.userId) throw new HttpError(404, 'auth:verify.invalid');
    return { ...row, userId: row.userId };
  };

  // Opening the link only shows a button: mail scanners open links too, and one must not confirm an
  // address for whoever signed up with it (the owner may never have asked).
  router.get('/verify/:token', async (req, res) => {
    await verifyToken(String(req.params.token));
    return render(req, res, 'auth/verify-confirm', { action: `/verify/${req.params.token}` });
  });

  router.post('/verify/:token', async (req, res) => {
    const row = await verifyToken(String(req.params.token));
    await db.transaction(async (tx) => {
      if (!(await consumeToken(tx, row.id))) throw new HttpError(404, 'auth:verify.invalid');
      await verifyEmail(tx, { userId: row.userId, issuerName: config.issuerName, issuerNameRu: config.issuerNameRu });
    });
    redirect(req, res, '/verify?confirmed=1');
  });

  return router;
}
