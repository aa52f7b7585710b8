import { Router } from 'express';
import type { Deps } from '../app.ts';
import type { DbOrTx } from '../db/client.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { childCount, descendantIds, mergeInto, nameKeysOf } from './admin-queries.ts';
import { idParam, organisationParam } from './admin-params.ts';
import { findOrganisation, type PlacedOrganisation, peopleIn, searchOrganisations } from './queries.ts';

// Merging a duplicate entry into the entry that stays: a confirmation page listing what moves,
// then the merge. A merge that would lose people, or merge an entry with itself, is refused.

export type MergeCheck =
  | { ok: true; target: PlacedOrganisation; warnings: string[]; moves: { people: number; children: number; names: string[] } }
  | { ok: false; reason: string; target: PlacedOrganisation | null };

/** Where the entry is: its region and country (ids), whichever it has. */
function place(org: PlacedOrganisation) {
  const chain = [org.parent, org.grandparent].filter((o) => o !== null);
  return { region: chain.find((o) => o.kind === 'region')?.id ?? null, country: chain.find((o) => o.kind === 'country')?.id ?? null };
}

export async function checkMerge(db: DbOrTx, duplicate: PlacedOrganisation, targetText: string): Promise<MergeCheck> {
  if (!targetText) return { ok: false, reason: 'noTarget', target: null };
  const id = idParam.safeParse(targetText);
  const target = id.success ? await findOrganisation(db, id.data) : undefined;
  // The target was deleted (merged elsewhere) since the form was shown: its people would have nowhere to go.
  if (!target) return { ok: false, reason: 'targetGone', target: null };
  if (target.id === duplicate.id) return { ok: false, reason: 'self', target };
  // A school merged into a region would make its people members of a region, not a school.
  if (target.kind !== duplicate.kind) return { ok: false, reason: 'kind', target };
  // Deleting an ancestor of the target would delete the target's own place in the tree.
  if ((await descendantIds(db, duplicate.id)).has(target.id)) return { ok: false, reason: 'descendant', target };
  const warnings: string[] = [];
  const [a, b] = [place(duplicate), place(target)];
  if (a.country !== null && b.country !== null && a.country !== b.country) warnings.push('differentCountry');
  else if (a.region !== null && b.region !== null && a.region !== b.region) warnings.push('differentRegion');
  if (duplicate.code !== null && target.code !== null && duplicate.code !== target.code) warnings.push('codeDropped');
  return {
    ok: true,
    target,
    warnings,
    moves: { people: await peopleIn(db, duplicate.id), children: await childCount(db, duplicate.id), names: await nameKeysOf(db, duplicate.id) },
  };
}

export function mergeRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  // The merge form's search: entries of the same kind, so the list offers only possible targets.
  router.get('/admin/organisations/:id/merge', async (req, res) => {
    const org = await organisationParam(db, req);
    const q = formText(req.query.q).trim().slice(0, 200);
    const found = q ? (await searchOrganisations(db, q, { kinds: [org.kind], limit: 50 })).filter((o) => o.id !== org.id) : [];
    return render(req, res, 'organisations/admin/merge-search', { org, q, found });
  });

  router.post('/admin/organisations/:id/merge', async (req, res) => {
    const duplicate = await organisationParam(db, req);
    const check = await checkMerge(db, duplicate, formText(req.body?.target).trim());
    if (!check.ok || formText(req.body?.confirm) !== 'yes') {
      return render(req, res, 'organisations/admin/merge', { org: duplicate, check }, { status: check.ok ? 200 : 422 });
    }
    if (!(await mergeInto(db, duplicate, check.target))) {
      return render(req, res, 'organisations/admin/merge', { org: duplicate, check: { ok: false, reason: 'targetGone', target: null } }, { status: 422 });
    }
    redirect(req, res, `/admin/organisations/${check.target.id}?notice=merged`);
  });

  return router;
}
