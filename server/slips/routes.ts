import { Router } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, requireRole, signedInUser } from '../auth/guards.ts';
import { SIGNIN_LINK_LIFETIME } from '../auth/queries.ts';
import { freshSignInLinks } from '../cohorts/enrol.ts';
import { fileStem } from '../cohorts/export.ts';
import { cohortAccess, cohortOf, liveOnly } from '../cohorts/middleware.ts';
import { linkBatchSchema } from '../cohorts/schemas.ts';
import { HttpError } from '../http/errors.ts';
import { isLanguage } from '../http/i18n.ts';
import { formText } from '../http/validation.ts';
import { renderSlipsPdf } from './pdf.ts';

/**
 * The learners a request asks slips for: undefined (no `users` field) means every member who
 * still needs a link, as for links.csv; otherwise the ids of `users`, given as "1,2,3" (the
 * members page) or as repeated fields (the checkboxes of the cohort page's bulk bar).
 */
export function slipSelection(body: unknown): number[] | undefined {
  const raw = (body as Record<string, unknown> | undefined)?.users;
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.map(formText).join(',') : formText(raw);
  return linkBatchSchema.parse({ users: text }).users;
}

export function slipRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  // Fresh one-time links made exactly as links.csv makes them (freshSignInLinks: the same rules on
  // who may get one, each token recorded with its maker), printed instead of listed.
  router.post('/cohorts/:id/slips.pdf', requireRole('trainer'), cohortAccess(db), liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const user = signedInUser(res);
    const only = slipSelection(req.body);
    // A selection of nobody must not fall back to "everyone" (an empty list means all to freshSignInLinks).
    if (only?.length === 0) throw new HttpError(422, 'slips:nobody');
    // Taken before the tokens are made, so the printed expiry is never later than the real one.
    const expiresAt = Date.now() + SIGNIN_LINK_LIFETIME;
    const links = await freshSignInLinks(db, { cohortId: cohort.id, by: { id: user.id, admin: hasRole(user, 'admin') }, baseUrl: config.baseUrl, only });
    if (links.length === 0) throw new HttpError(422, 'slips:nobody');
    const lang = res.locals.lang;
    const pdf = await renderSlipsPdf(links, {
      issuerName: config.issuerName,
      baseUrl: config.baseUrl,
      cohortName: cohort.name,
      expiresAt,
      language: isLanguage(lang) ? lang : 'en',
    });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${fileStem(cohort)}-signin-slips.pdf"`);
    res.send(pdf);
  });

  return router;
}
