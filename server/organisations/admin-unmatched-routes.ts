import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { linkExactMatches, mapTyped, type Typed, unmatchedGroups } from './free-text.ts';
import { idParam } from './admin-params.ts';
import { findOrganisation, searchOrganisations } from './queries.ts';

// The free-text migration: people not linked to an entry yet, grouped by what they typed; exact
// matches linked with one button, each other group mapped to an entry the administrator picks.

const PER_PAGE = 50;
const NOTICES = new Set(['linked', 'mapped']);
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100000).catch(1).default(1) });
const MAX_TYPED = 300;

/** The typed text of a group, from a query or a form: exact, as stored. */
function typedOf(source: Record<string, unknown> | undefined): Typed | null {
  const typed = { school: formText(source?.school), region: formText(source?.region), country: formText(source?.country) };
  if (Object.values(typed).some((v) => v.length > MAX_TYPED) || Object.values(typed).every((v) => v === '')) return null;
  return typed;
}

export function unmatchedRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/admin/organisations/unmatched', async (req, res) => {
    const { page } = pageQuery.parse(req.query);
    const { groups, total, people } = await unmatchedGroups(db, page, PER_PAGE);
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
    const count = Math.max(0, Math.trunc(Number(formText(req.query.count)) || 0));
    return render(req, res, 'organisations/admin/unmatched', { groups, total, people, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)), notice, count });
  });

  router.post('/admin/organisations/unmatched/auto', async (req, res) => {
    const linked = await linkExactMatches(db);
    redirect(req, res, `/admin/organisations/unmatched?notice=linked&count=${linked}`);
  });

  const mapPage = async (req: Request, res: Response, typed: Typed, q: string, error: string | null, status?: number) => {
    const found = q ? await searchOrganisations(db, q, { limit: 30 }) : [];
    return render(req, res, 'organisations/admin/map', { typed, q, found, error }, { status, fragment: 'organisations/admin/_map-results' });
  };

  // Pick the entry for one group: a search (a plain GET form; htmx swaps only the results).
  router.get('/admin/organisations/unmatched/map', async (req, res) => {
    const typed = typedOf(req.query as Record<string, unknown>);
    if (!typed) throw new HttpError(422, 'errors:invalidInput');
    const asked = req.query.q;
    const q = (typeof asked === 'string' ? asked : typed.school || typed.region || typed.country).trim().slice(0, 200);
    return mapPage(req, res, typed, q, null);
  });

  router.post('/admin/organisations/unmatched/map', async (req, res) => {
    const typed = typedOf(req.body);
    if (!typed) throw new HttpError(422, 'errors:invalidInput');
    const id = idParam.safeParse(formText(req.body?.organisation));
    const entry = id.success ? await findOrganisation(db, id.data) : undefined;
    if (!entry) return mapPage(req, res, typed, formText(req.body?.q).trim().slice(0, 200), id.success ? 'entryGone' : 'chooseEntry', 422);
    const mapped = await mapTyped(db, typed, entry.id);
    redirect(req, res, `/admin/organisations/unmatched?notice=mapped&count=${mapped}`);
  });

  return router;
}
