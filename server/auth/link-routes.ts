import { TransactionRollbackError } from 'drizzle-orm';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { parseInput, type FieldErrors } from '../http/validation.ts';
import { hashPassword } from './passwords.ts';
import {
  consumeToken,
  countAdmins,
  createOneTimeToken,
  createUser,
  deleteUnusedSetupTokens,
  findUsableToken,
  findUserByEmail,
  findUserById,
  signInLinkStillAllowed,
} from './queries.ts';
import { perAddressLimiter } from './rate-limit.ts';
import { setPasswordSchema, signupSchema } from './schemas.ts';
import { setPasswordWithLink } from './set-password.ts';
import { signIn } from './sign-in.ts';

/**
 * When no administrator exists, makes a fresh one-time setup link (older unused ones are
 * dropped) and returns its URL for the server to print; otherwise null.
 */
export async function prepareSetupLink(db: Db, baseUrl: string): Promise<string | null> {
  if ((await countAdmins(db)) > 0) return null;
  await deleteUnusedSetupTokens(db);
  return `${baseUrl}/setup/${await createOneTimeToken(db, 'setup', {})}`;
}

export function signInLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/signin/${token}`;
}

export function linkRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();
  // Tokens carry 160 random bits; the limiter only keeps noise down.
  router.use(['/setup', '/signin'], perAddressLimiter(db, 'one-time-links', 30));

  const setupToken = async (req: Request) => {
    const token = String(req.params.token);
    const row = (await countAdmins(db)) === 0 ? await findUsableToken(db, token, 'setup') : undefined;
    if (!row) throw new HttpError(404, 'auth:setup.invalid');
    return row;
  };
  // htmx swaps just the form (#signup-form), so a partial request gets the form with the setup action.
  const setupForm = (req: Request, res: Response, values: Record<string, string>, errors: FieldErrors, status?: number) =>
    render(
      req,
      res,
      'auth/setup',
      { values, errors, token: req.params.token, action: `/setup/${req.params.token}`, submitLabel: res.locals.t('auth:setup.submit') },
      { status, fragment: 'auth/_signup-form' },
    );

  router.get('/setup/:token', async (req, res) => {
    await setupToken(req);
    return setupForm(req, res, { language: res.locals.lang }, {});
  });

  router.post('/setup/:token', async (req, res) => {
    const row = await setupToken(req);
    const parsed = parseInput(signupSchema, req.body);
    const { password: _p, ...values } = (req.body ?? {}) as Record<string, string>;
    if (!parsed.ok) return setupForm(req, res, values, parsed.errors, 422);
    // Checked before the token is spent, so a taken email does not burn the one-time link.
    if (await findUserByEmail(db, parsed.data.email)) return setupForm(req, res, values, { email: 'validation.emailTaken' }, 422);
    const passwordHash = await hashPassword(parsed.data.password);
    // The email may have been taken while the password was hashed: spending the link and creating
    // the account happen together or not at all, so a taken email leaves the link usable.
    let id: number;
    try {
      id = await db.transaction(async (tx) => {
        if (!(await consumeToken(tx, row.id))) throw new HttpError(404, 'auth:setup.invalid');
        const created = await createUser(tx, { ...parsed.data, passwordHash, emailVerifiedAt: Date.now() }, ['teacher', 'trainer', 'admin']);
        if (created === null) tx.rollback();
        return created!;
      });
    } catch (err) {
      if (err instanceof TransactionRollbackError) return setupForm(req, res, values, { email: 'validation.emailTaken' }, 422);
      throw err;
    }
    await signIn(deps, res, { id, language: parsed.data.language });
    redirect(req, res, '/admin/users');
  });

  const signinToken = async (req: Request) => {
    const row = await findUsableToken(db, String(req.params.token), 'signin');
    const user = row?.userId ? await findUserById(db, row.userId) : undefined;
    // A role or password gained since the link was made voids it, as does its maker losing the right.
    if (!row || !user || !(await signInLinkStillAllowed(db, user.id, row.createdBy))) throw new HttpError(404, 'auth:signinLink.invalid');
    return { row, user };
  };

  router.get('/signin/:token', async (req, res) => {
    const { user } = await signinToken(req);
    return render(req, res, 'auth/set-password', { name: user.name, email: user.email, errors: {}, token: req.params.token });
  });

  router.post('/signin/:token', async (req, res) => {
    const { row, user } = await signinToken(req);
    const parsed = parseInput(setPasswordSchema, req.body);
    if (!parsed.ok) {
      return render(req, res, 'auth/set-password', { name: user.name, email: user.email, errors: parsed.errors, token: req.params.token }, { status: 422 });
    }
    const passwordHash = await hashPassword(parsed.data.password);
    // A sign-in link reaches its owner at the address the trainer imported, so using it proves the address.
    if (!(await setPasswordWithLink(deps, { tokenId: row.id, userId: user.id, passwordHash, provesAddress: true }))) {
      throw new HttpError(404, 'auth:signinLink.invalid');
    }
    await signIn(deps, res, user);
    redirect(req, res, '/dashboard');
  });

  return router;
}
