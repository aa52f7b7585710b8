import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { rememberLanguage } from '../http/i18n.ts';
import { signIn } from './sign-in.ts';
import { redirect, render } from '../http/render.ts';
import { parseInput, type FieldErrors } from '../http/validation.ts';
import { clearSessionCookie } from './cookies.ts';
import { currentUser, requireUser, safeNext, signedInUser } from './guards.ts';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import { createUser, findUserByEmail, findUserById, setPasswordHash, updateProfile } from './queries.ts';
import { loginLimiters, perAddressLimiter } from './rate-limit.ts';
import { loginSchema, passwordChangeSchema, profileSchema, signupSchema } from './schemas.ts';
import { invalidateOtherSessions, invalidateSession, type Session } from './sessions.ts';
import { adminUserRoutes } from './admin-routes.ts';
import { linkRoutes } from './link-routes.ts';

// Passwords are never sent back into a form.
function keptValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const { password: _p, current: _c, ...rest } = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

export function authRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  const signupForm = (req: Request, res: Response, values: Record<string, string>, errors: FieldErrors, status?: number) =>
    render(req, res, 'auth/signup', { values, errors }, { status, fragment: 'auth/_signup-form' });

  router.get('/signup', (req, res) => {
    if (currentUser(res)) return res.redirect(303, '/dashboard');
    return signupForm(req, res, { language: res.locals.lang }, {});
  });

  router.post('/signup', perAddressLimiter(20, 15 * 60 * 1000), async (req, res) => {
    const parsed = parseInput(signupSchema, req.body);
    if (!parsed.ok) return signupForm(req, res, keptValues(req.body), parsed.errors, 422);
    const input = parsed.data;
    const id = createUser(db, { ...input, passwordHash: await hashPassword(input.password) });
    if (id === null) return signupForm(req, res, keptValues(req.body), { email: 'validation.emailTaken' }, 422);
    signIn(deps, res, { id, language: input.language });
    redirect(req, res, '/dashboard');
  });

  const loginForm = (req: Request, res: Response, values: Record<string, string>, errors: FieldErrors, status?: number) =>
    render(req, res, 'auth/login', { values, errors }, { status, fragment: 'auth/_login-form' });

  router.get('/login', (req, res) => {
    const next = safeNext(req.query.next);
    if (currentUser(res)) return res.redirect(303, next);
    return loginForm(req, res, { next }, {});
  });

  router.post('/login', ...loginLimiters(), async (req, res) => {
    const parsed = parseInput(loginSchema, req.body);
    const values = { email: String(req.body?.email ?? ''), next: safeNext(req.body?.next) };
    // One message for every failure, so the form never reveals whether an email has an account.
    const fail = () => loginForm(req, res, values, { form: 'auth:login.failed' }, 401);
    if (!parsed.ok) return fail();
    const user = parsed.data.email ? findUserByEmail(db, parsed.data.email) : undefined;
    const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, parsed.data.password) : await verifyAgainstNothing(parsed.data.password);
    if (!user || !ok) return fail();
    signIn(deps, res, user);
    redirect(req, res, values.next);
  });

  router.post('/logout', (req, res) => {
    const session = res.locals.session as Session | undefined;
    if (session) invalidateSession(db, session.id);
    clearSessionCookie(res, config.secureCookies);
    redirect(req, res, '/');
  });

  const profilePage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status?: number) => {
    const user = findUserById(db, signedInUser(res).id);
    if (!user) throw new HttpError(404);
    const { passwordHash: _h, ...values } = user;
    return render(req, res, 'auth/profile', { values, errors: {}, passwordErrors: {}, saved: null, ...extra }, { status });
  };

  router.get('/profile', requireUser, (req, res) => {
    const saved = req.query.saved === 'profile' || req.query.saved === 'password' ? req.query.saved : null;
    return profilePage(req, res, { saved });
  });

  router.post('/profile', requireUser, (req, res) => {
    const parsed = parseInput(profileSchema, req.body);
    if (!parsed.ok) return profilePage(req, res, { values: { ...keptValues(req.body), email: signedInUser(res).email }, errors: parsed.errors }, 422);
    const user = signedInUser(res);
    updateProfile(db, user.id, parsed.data);
    rememberLanguage(res, parsed.data.language, config.secureCookies);
    // The language switch must show at once, so the saved page is rendered in the new language.
    redirect(req, res, `/profile?saved=profile&lang=${parsed.data.language}`);
  });

  router.post('/profile/password', requireUser, async (req, res) => {
    const user = signedInUser(res);
    const parsed = parseInput(passwordChangeSchema, req.body);
    if (!parsed.ok) return profilePage(req, res, { passwordErrors: parsed.errors }, 422);
    const row = findUserById(db, user.id);
    if (row?.passwordHash && !(await verifyPassword(row.passwordHash, parsed.data.current))) {
      return profilePage(req, res, { passwordErrors: { current: 'validation.currentPassword' } }, 422);
    }
    setPasswordHash(db, user.id, await hashPassword(parsed.data.password));
    invalidateOtherSessions(db, user.id, (res.locals.session as Session).id);
    redirect(req, res, '/profile?saved=password');
  });

  router.use(linkRoutes(deps));
  router.use(adminUserRoutes(deps));
  return router;
}
