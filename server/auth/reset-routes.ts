import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText, parseInput, type FieldErrors } from '../http/validation.ts';
import { sendMessage } from '../mail/send.ts';
import { mailEnabled } from '../mail/transport.ts';
import { hashPassword } from './passwords.ts';
import { RESET_LINK_LIFETIME, countRecentTokens, createOneTimeToken, findUsableToken, findUserByEmail, findUserById } from './queries.ts';
import { perAddressLimiter } from './rate-limit.ts';
import { resetRequestSchema, setPasswordSchema } from './schemas.ts';
import { setPasswordWithLink } from './set-password.ts';
import { signIn } from './sign-in.ts';

const HOUR = 3600 * 1000;
/** Reset mails one account may receive in an hour: enough for a lost message, too few to flood a mailbox. */
export const RESET_MAILS_PER_HOUR = 3;

export function resetLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/password-reset/${token}`;
}

/**
 * Mails a reset link to an account, within the per-account limit (counted from the links
 * themselves, so every app instance agrees). Only the database work happens before it returns;
 * delivery goes on in the background, so the answer takes as long for an unknown address.
 */
async function mailResetLink(deps: Deps, user: { id: number; email: string; name: string; language: string }, now = Date.now()): Promise<void> {
  if ((await countRecentTokens(deps.db, user.id, 'reset', now - HOUR, { mailedOnly: true })) >= RESET_MAILS_PER_HOUR) return;
  const token = await createOneTimeToken(deps.db, 'reset', { userId: user.id, expiresAt: now + RESET_LINK_LIFETIME }, now);
  void sendMessage(deps, {
    to: user.email,
    language: user.language,
    subjectKey: 'auth:mail.reset.subject',
    bodyKey: 'auth:mail.reset.body',
    params: { name: user.name, link: resetLinkUrl(deps.config.baseUrl, token) },
  });
}

/** Self-service password reset: GET/POST /password-reset and /password-reset/:token. */
export function resetRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  // Tokens carry 160 random bits; the limiter only keeps noise down.
  router.use('/password-reset', perAddressLimiter(db, 'password-reset', 30));

  const requestPage = (req: Request, res: Response, values: Record<string, string>, errors: FieldErrors, status?: number) =>
    render(
      req,
      res,
      'auth/reset-request',
      { values, errors, mail: mailEnabled(config), sent: req.query.sent === '1' },
      { status, fragment: 'auth/_reset-request-form' },
    );

  router.get('/password-reset', (req, res) => requestPage(req, res, { email: '' }, {}));

  // The same answer for every well-formed address, known or not (and none without mail: the page says whom to ask).
  router.post('/password-reset', perAddressLimiter(db, 'password-reset-requests', 10, 15 * 60 * 1000), async (req, res) => {
    if (!mailEnabled(config)) return requestPage(req, res, { email: '' }, {});
    const parsed = parseInput(resetRequestSchema, req.body);
    if (!parsed.ok) return requestPage(req, res, { email: formText(req.body?.email) }, parsed.errors, 422);
    const user = await findUserByEmail(db, parsed.data.email);
    if (user) await mailResetLink(deps, user);
    redirect(req, res, '/password-reset?sent=1');
  });

  const resetToken = async (req: Request) => {
    const row = await findUsableToken(db, String(req.params.token), 'reset');
    const user = row?.userId ? await findUserById(db, row.userId) : undefined;
    if (!row || !user) throw new HttpError(404, 'auth:reset.invalid');
    return { row, user };
  };
  const passwordForm = (req: Request, res: Response, user: { name: string; email: string }, errors: FieldErrors, status?: number) =>
    render(req, res, 'auth/reset-password', { name: user.name, email: user.email, errors, action: `/password-reset/${req.params.token}` }, { status });

  router.get('/password-reset/:token', async (req, res) => passwordForm(req, res, (await resetToken(req)).user, {}));

  router.post('/password-reset/:token', async (req, res) => {
    const { row, user } = await resetToken(req);
    const parsed = parseInput(setPasswordSchema, req.body);
    if (!parsed.ok) return passwordForm(req, res, user, parsed.errors, 422);
    const passwordHash = await hashPassword(parsed.data.password);
    // A link the account asked for was mailed to its address, so using it proves the address;
    // one an administrator made was handed over some other way and proves nothing.
    if (!(await setPasswordWithLink(deps, { tokenId: row.id, userId: user.id, passwordHash, provesAddress: row.createdBy === null }))) {
      throw new HttpError(404, 'auth:reset.invalid');
    }
    await signIn(deps, res, user);
    redirect(req, res, '/dashboard');
  });

  return router;
}
