import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../app.ts';
import { requireRole } from '../auth/guards.ts';
import { ORGANISATION_KINDS } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { organisationImportRoutes } from './admin-import-routes.ts';
import { mergeRoutes } from './admin-merge-routes.ts';
import { idParam, organisationParam } from './admin-params.ts';
import { childCount, codeTaken, descendantIds, entriesOfKinds, listOrganisations, nameKeysOf } from './admin-queries.ts';
import { unmatchedRoutes } from './admin-unmatched-routes.ts';
import { displayName, type Named, PARENT_KINDS } from './names.ts';
import { findOrganisation, type PlacedOrganisation, peopleIn, placeLabel, updateOrganisation } from './queries.ts';

// The registry for administrators: list and drill down, edit an entry; import, merge and the
// free-text migration live beside this file. Everything under /admin/organisations is admins' only.

export const PER_PAGE = 50;
const NOTICES = new Set(['saved', 'merged']);

const listQuery = z.object({
  q: z.string().trim().max(200).default(''),
  kind: z.enum(ORGANISATION_KINDS).nullable().catch(null).default(null),
  parent: z.coerce.number().int().positive().nullable().catch(null).default(null),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
const MAX_NAME = 300;
const MAX_CODE = 64;

interface EditForm {
  nameEn: string;
  nameRu: string;
  code: string;
  parentId: string;
}

export function organisationAdminRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();
  router.use('/admin/organisations', requireRole('admin'), (_req, res, next) => {
    // Names in the reader's language for every page here (the other language when one is empty).
    const lang = String(res.locals.lang);
    res.locals.displayName = (o: Named) => displayName(o, lang);
    res.locals.placeLabel = (o: PlacedOrganisation) => placeLabel(o, lang);
    next();
  });

  router.get('/admin/organisations', async (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) throw new HttpError(422, 'errors:invalidInput');
    const query = parsed.data;
    const { rows, total } = await listOrganisations(db, { q: query.q, kind: query.kind, parentId: query.parent, page: query.page, perPage: PER_PAGE });
    const within = query.parent === null ? null : ((await findOrganisation(db, query.parent)) ?? null);
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
    const href = (extra: Record<string, string | number | null>) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ q: query.q, kind: query.kind, parent: query.parent, ...extra }))
        if (v !== null && v !== '') params.set(k, String(v));
      const s = params.toString();
      return `/admin/organisations${s ? `?${s}` : ''}`;
    };
    return render(
      req,
      res,
      'organisations/admin/index',
      { rows, total, query, within, pages: Math.max(1, Math.ceil(total / PER_PAGE)), notice, href, kinds: ORGANISATION_KINDS },
      { fragment: 'organisations/admin/_table' },
    );
  });

  router.use(organisationImportRoutes(deps));
  router.use(unmatchedRoutes(deps));

  const editPage = async (req: Request, res: Response, org: PlacedOrganisation, form: EditForm, errors: Record<string, string> = {}, status?: number) => {
    const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
    return render(
      req,
      res,
      'organisations/admin/edit',
      {
        org,
        form,
        errors,
        notice,
        parents: (await entriesOfKinds(db, PARENT_KINDS[org.kind])).filter((p) => p.id !== org.id),
        people: await peopleIn(db, org.id),
        children: await childCount(db, org.id),
        keys: await nameKeysOf(db, org.id),
      },
      { status },
    );
  };

  router.get('/admin/organisations/:id', async (req, res) => {
    const org = await organisationParam(db, req);
    return editPage(req, res, org, {
      nameEn: org.nameEn,
      nameRu: org.nameRu,
      code: org.code ?? '',
      parentId: org.parentId === null ? '' : String(org.parentId),
    });
  });

  router.post('/admin/organisations/:id', async (req, res) => {
    const org = await organisationParam(db, req);
    const form: EditForm = {
      nameEn: formText(req.body?.nameEn).trim().replace(/\s+/g, ' '),
      nameRu: formText(req.body?.nameRu).trim().replace(/\s+/g, ' '),
      code: formText(req.body?.code).trim(),
      parentId: formText(req.body?.parentId).trim(),
    };
    const errors: Record<string, string> = {};
    if (!form.nameEn && !form.nameRu) errors.nameEn = 'nameRequired';
    if (form.nameEn.length > MAX_NAME) errors.nameEn = 'tooLong';
    if (form.nameRu.length > MAX_NAME) errors.nameRu = 'tooLong';
    if (form.code.length > MAX_CODE) errors.code = 'tooLong';
    else if (form.code && (await codeTaken(db, org.kind, form.code, org.id))) errors.code = 'duplicateCode';
    let parentId: number | null = null;
    if (form.parentId) {
      const id = idParam.safeParse(form.parentId);
      const parent = id.success ? await findOrganisation(db, id.data) : undefined;
      if (!parent) errors.parentId = 'parentGone';
      else if (parent.id === org.id || (await descendantIds(db, org.id)).has(parent.id)) errors.parentId = 'parentCycle';
      else if (!PARENT_KINDS[org.kind].includes(parent.kind)) errors.parentId = 'parentKind';
      else parentId = parent.id;
    }
    if (Object.keys(errors).length) return editPage(req, res, org, form, errors, 422);
    // People point at the entry, so they stay linked whatever its names or parent become.
    await updateOrganisation(db, org.id, { kind: org.kind, parentId, code: form.code || null, nameEn: form.nameEn, nameRu: form.nameRu });
    redirect(req, res, `/admin/organisations/${org.id}?notice=saved`);
  });

  router.use(mergeRoutes(deps));
  return router;
}
