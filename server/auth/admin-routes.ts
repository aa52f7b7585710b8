import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../app.ts';
import { ROLES } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { parseInput } from '../http/validation.ts';
import { requireRole, signedInUser } from './guards.ts';
import { ADMIN_RESET_LINK_LIFETIME, createOneTimeToken, createSignInLinkToken, findUserById, grantRole, revokeRole, rolesOf } from './queries.ts';
import { listUsers, setAlsoTeaches } from './admin-queries.ts';
import { signInLinkUrl } from './link-routes.ts';
import { resetLinkUrl } from './reset-routes.ts';

// Notices are chosen by the server; the query only names one, so its text never reaches the page.
const NOTICES = new Set(['roleSaved', 'lastAdmin', 'hasPassword', 'teachingSaved']);

const PER_PAGE = 50;
const listQuery = z.object({
  q: z.string().trim().max(200).default(''),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
const roleChange = z.object({ role: z.enum(ROLES), action: z.enum(['grant', 'revoke']) });
const teachingChange = z.object({ alsoTeaches: z.enum(['yes', 'no']) });
const userId = z.coerce.number().int().positive();

export function adminUserRoutes({ db, config }: Deps): Router {
  const router = Router();
  router.use('/admin/users', requireRole('admin'));

  router.get('/admin/users', async (req, res) => {
    // safeParse: a repeated (?q=a&q=b) or over-long search is bad input, not a server error.
    const parsedQuery = listQuery.safeParse(req.query);
    if (!parsedQuery.success) throw new HttpError(422, 'errors:invalidInput');
    const query = parsedQuery.data;
    const { rows, total } = await listUsers(db, { q: query.q, page: query.page, perPage: PER_PAGE });
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
    return render(req, res, 'admin/users', { rows, total, query, pages: Math.max(1, Math.ceil(total / PER_PAGE)), notice }, { fragment: 'admin/_users-table' });
  });

  router.post('/admin/users/:id/roles', async (req, res) => {
    const id = userId.safeParse(req.params.id);
    const parsed = parseInput(roleChange, req.body);
    if (!id.success || !parsed.ok) throw new HttpError(422, 'errors:invalidInput');
    if (!(await findUserById(db, id.data))) throw new HttpError(404);
    let notice = 'roleSaved';
    if (parsed.data.action === 'grant') await grantRole(db, id.data, parsed.data.role);
    else if (!(await revokeRole(db, id.data, parsed.data.role))) notice = 'lastAdmin';
    redirect(req, res, `/admin/users?notice=${notice}`);
  });

  // Staff hold the teacher role but reports leave them out unless they also teach (server/reports/queries.ts).
  router.post('/admin/users/:id/teaching', async (req, res) => {
    const id = userId.safeParse(req.params.id);
    const parsed = parseInput(teachingChange, req.body);
    if (!id.success || !parsed.ok) throw new HttpError(422, 'errors:invalidInput');
    if (!(await setAlsoTeaches(db, id.data, parsed.data.alsoTeaches === 'yes'))) throw new HttpError(404);
    redirect(req, res, '/admin/users?notice=teachingSaved');
  });

  router.post('/admin/users/:id/signin-link', async (req, res) => {
    const id = userId.safeParse(req.params.id);
    const user = id.success ? await findUserById(db, id.data) : undefined;
    if (!user) throw new HttpError(404);
    // Only a pending learner account gets a sign-in link; any other account gets a reset link (below).
    if (user.passwordHash !== null || (await rolesOf(db, user.id)).some((r) => r !== 'teacher')) return redirect(req, res, '/admin/users?notice=hasPassword');
    const token = await createSignInLinkToken(db, user.id, signedInUser(res).id);
    return render(req, res, 'admin/signin-link', { person: user, link: signInLinkUrl(config.baseUrl, token), kind: 'signinLink' });
  });

  // A reset link for any account, shown once for the administrator to hand over. It revokes nothing
  // until used; then, like every password change, it ends the account's sessions and other links.
  router.post('/admin/users/:id/reset-link', async (req, res) => {
    const id = userId.safeParse(req.params.id);
    const user = id.success ? await findUserById(db, id.data) : undefined;
    if (!user) throw new HttpError(404);
    const now = Date.now();
    const token = await createOneTimeToken(db, 'reset', { userId: user.id, createdBy: signedInUser(res).id, expiresAt: now + ADMIN_RESET_LINK_LIFETIME }, now);
    return render(req, res, 'admin/signin-link', { person: user, link: resetLinkUrl(config.baseUrl, token), kind: 'resetLink' });
  });

  return router;
}
