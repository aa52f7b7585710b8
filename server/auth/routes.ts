import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { rememberLanguage } from '../http/i18n.ts';
import { signIn } from './sign-in.ts';
import { redirect, render } from '../http/render.ts';
import { formText, parseInput, type FieldErrors } from '../http/validation.ts';
import { clearSessionCookie } from './cookies.ts';
import { currentUser, requireUser, safeNext, signedInUser } from './guards.ts';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import { findUserByEmail, findUserById, setPasswordRevokingAccess, updateProfile } from './queries.ts';
import { type LoginRefusal, loginLimiters, perAddressLimiter } from './rate-limit.ts';
import { loginSchema, passwordChangeSchema, profileSchema, signupSchema } from './schemas.ts';
import { invalidateSession, type Session } from './sessions.ts';
import { signUp } from './sign-up.ts';
import { adminUserRoutes } from './admin-routes.ts';
import { linkRoutes } from './link-routes.ts';
import { resetRoutes } from './reset-routes.ts';
import { verifyRoutes } from './verify-routes.ts';
import { buildPicker, chosenOrganisation, pickerQuery } from '../organisations/picker.ts';
import { setPersonOrganisation } from '../organisations/queries.ts';

// Passwords are never sent back into a form.
function keptValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const { password: _p, current: _c, ...rest } = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

export function authRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  const signupForm = async (
    req: Request,
    res: Response,
    values: Record<string, string>,
    errors: FieldErrors,
    status?: number,
    chosen: number | null = null,
  ) => {
    const picker = await buildPicker(db, { query: pickerQuery.parse(req.query).schoolQuery, chosen, lang: res.locals.lang });
    return render(req, res, 'auth/signup', { values, errors, picker }, { status, fragment: 'auth/_signup-form' });
  };

  router.get('/signup', (req, res) => {
    if (currentUser(res)) return res.redirect(303, '/dashboard');
    return signupForm(req, res, { language: res.locals.lang }, {});
  });

  // 60 in 15 minutes: a 40-person workshop behind one school address can all sign up at once.
  router.post('/signup', perAddressLimiter(db, 'signup', 60, 15 * 60 * 1000), async (req, res) => {
    const parsed = parseInput(signupSchema, req.body);
    const organisation = await chosenOrganisation(db, req.body);
    if (!parsed.ok || organisation === undefined) {
      const errors = { ...(parsed.ok ? {} : parsed.errors), ...(organisation === undefined ? { organisationId: 'unknown' } : {}) };
      return signupForm(req, res, keptValues(req.body), errors, 422, organisation?.id ?? null);
    }
    const outcome = await signUp(deps, { ...parsed.data, organisation });
    // Without mail a taken address cannot be hidden (a newcomer must get in at once); one generic message says the least.
    if (outcome.kind === 'notPossible') return signupForm(req, res, keptValues(req.body), { form: 'auth:signup.notPossible' }, 422, organisation?.id ?? null);
    if (outcome.kind === 'checkMail') return redirect(req, res, '/signup/check-mail');
    await signIn(deps, res, { id: outcome.id, language: parsed.data.language });
    redirect(req, res, '/dashboard');
  });

  // The same page whether the address was new or known: it says only that a message was sent.
  router.get('/signup/check-mail', (req, res) => render(req, res, 'auth/check-mail', {}));

  const loginForm = (req: Request, res: Response, values: Record<string, string>, errors: FieldErrors, status?: number) =>
    render(req, res, 'auth/login', { values, errors }, { status, fragment: 'auth/_login-form' });

  router.get('/login', (req, res) => {
    const next = safeNext(req.query.next);
    if (currentUser(res)) return res.redirect(303, next);
    return loginForm(req, res, { next }, {});
  });

  const loginValues = (req: Request) => ({ email: formText(req.body?.email), next: safeNext(req.body?.next) });
  // A refused sign-in gets the form back (429, Retry-After set by the limiter) saying how long to wait;
  // even the right password waits, or the lock would tell a guesser when they found it.
  const refuse: LoginRefusal = (req, res, limit, resetTime) => {
    const minutes = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 60_000));
    const locked = { message: `auth:login.locked.${limit}`, minutes };
    return render(req, res, 'auth/login', { values: loginValues(req), errors: {}, locked }, { status: 429, fragment: 'auth/_login-form' });
  };

  router.post('/login', ...loginLimiters(db, refuse), async (req, res) => {
    const parsed = parseInput(loginSchema, req.body);
    const values = loginValues(req);
    // One message for every failure, so the form never reveals whether an email has an account.
    const fail = () => loginForm(req, res, values, { form: 'auth:login.failed' }, 401);
    if (!parsed.ok) return fail();
    const user = parsed.data.email ? await findUserByEmail(db, parsed.data.email) : undefined;
    const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, parsed.data.password) : await verifyAgainstNothing(parsed.data.password);
    if (!user || !ok) return fail();
    await signIn(deps, res, user);
    redirect(req, res, values.next);
  });

  router.post('/logout', async (req, res) => {
    const session = res.locals.session as Session | undefined;
    if (session) await invalidateSession(db, session.id);
    clearSessionCookie(res, config.secureCookies);
    redirect(req, res, '/');
  });

  const profilePage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status?: number) => {
    const user = await findUserById(db, signedInUser(res).id);
    if (!user) throw new HttpError(404);
    const { passwordHash: _h, ...values } = user;
    const chosen = 'chosen' in extra ? (extra.chosen as number | null) : user.organisationId;
    const picker = await buildPicker(db, { query: pickerQuery.parse(req.query).schoolQuery, chosen, lang: res.locals.lang });
    return render(req, res, 'auth/profile', { values, errors: {}, passwordErrors: {}, saved: null, picker, ...extra }, { status });
  };

  router.get('/profile', requireUser, async (req, res) => {
    const saved = req.query.saved === 'profile' || req.query.saved === 'password' ? req.query.saved : null;
    return profilePage(req, res, { saved });
  });

  router.post('/profile', requireUser, async (req, res) => {
    const parsed = parseInput(profileSchema, req.body);
    const organisation = await chosenOrganisation(db, req.body);
    if (!parsed.ok || organisation === undefined) {
      const errors = { ...(parsed.ok ? {} : parsed.errors), ...(organisation === undefined ? { organisationId: 'unknown' } : {}) };
      return profilePage(req, res, { values: { ...keptValues(req.body), email: signedInUser(res).email }, errors, chosen: organisation?.id ?? null }, 422);
    }
    const user = signedInUser(res);
    await db.transaction(async (tx) => {
      await updateProfile(tx, user.id, parsed.data);
      await setPersonOrganisation(tx, user.id, organisation, parsed.data.language);
    });
    rememberLanguage(res, parsed.data.language, config.secureCookies);
    // The language switch must show at once, so the saved page is rendered in the new language.
    redirect(req, res, `/profile?saved=profile&lang=${parsed.data.language}`);
  });

  router.post('/profile/password', requireUser, async (req, res) => {
    const user = signedInUser(res);
    const parsed = parseInput(passwordChangeSchema, req.body);
    if (!parsed.ok) return profilePage(req, res, { passwordErrors: parsed.errors }, 422);
    const row = await findUserById(db, user.id);
    if (row?.passwordHash && !(await verifyPassword(row.passwordHash, parsed.data.current))) {
      return profilePage(req, res, { passwordErrors: { current: 'validation.currentPassword' } }, 422);
    }
    const passwordHash = await hashPassword(parsed.data.password);
    await setPasswordRevokingAccess(db, user.id, passwordHash, { keepSessionId: (res.locals.session as Session).id });
    redirect(req, res, '/profile?saved=password');
  });

  router.use(linkRoutes(deps));
  router.use(resetRoutes(deps));
  router.use(verifyRoutes(deps));
  router.use(adminUserRoutes(deps));
  return router;
}
