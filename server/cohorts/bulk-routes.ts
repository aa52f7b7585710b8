import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { dashboardPage } from './dashboard-page.ts';
import { moveMember } from './enrol.ts';
import { activeMembersAmong, removeMembers, setExtension } from './learner-queries.ts';
import { cohortOf, liveOnly, managesCohort } from './middleware.ts';
import { findCohort } from './queries.ts';
import { bulkExtensionSchema, bulkSchema, idParam } from './schemas.ts';

// Actions on learners ticked in the matrix (or the one learner of the per-learner page). Ids that
// are not active members of this cohort are dropped without a word, so nothing can be probed.
// Removing and moving first show who will be affected, and act only on the confirmed form.

export function bulkRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  /** The selected active members, or an answer of 422 (the dashboard, with its message) when none are left. */
  const selection = async (req: Request, res: Response) => {
    const parsed = bulkSchema.safeParse(req.body ?? {});
    const people = parsed.success ? await activeMembersAmong(db, cohortOf(res).id, parsed.data.users) : [];
    if (people.length === 0) await dashboardPage(deps, req, res, { bulkError: 'cohorts:bulk.noneSelected' }, 422);
    return people;
  };

  router.post('/cohorts/:id/learners/extension', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const parsed = bulkExtensionSchema.safeParse(req.body ?? {});
    const dueDate = parsed.success ? parsed.data.dueDate : null;
    const badDate = !parsed.success && parsed.error.issues.some((i) => i.path[0] === 'dueDate');
    if (badDate || (dueDate && dueDate < cohort.startDate)) {
      return dashboardPage(deps, req, res, { bulkError: badDate ? 'cohorts:bulk.badDate' : 'cohorts:bulk.beforeStart' }, 422);
    }
    const people = await selection(req, res);
    if (people.length === 0) return;
    const count = await setExtension(
      db,
      cohort.id,
      people.map((p) => p.id),
      dueDate,
    );
    redirect(req, res, `/cohorts/${cohort.id}?notice=${dueDate ? 'extended' : 'extensionCleared'}&count=${count}`);
  });

  const confirmPage = (
    req: Request,
    res: Response,
    locals: { action: 'remove' | 'move'; people: { id: number; name: string; email: string }[]; to?: { id: number; name: string } },
  ) => render(req, res, 'cohorts/confirm-bulk', { cohort: cohortOf(res), back: formText(req.body?.back) === 'learner' ? 'learner' : '', ...locals });

  router.post('/cohorts/:id/learners/remove', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const people = await selection(req, res);
    if (people.length === 0) return;
    if (formText(req.body?.confirmed) !== 'yes') return confirmPage(req, res, { action: 'remove', people });
    const count = await removeMembers(
      db,
      cohort.id,
      people.map((p) => p.id),
    );
    redirect(req, res, `/cohorts/${cohort.id}?notice=removedMany&count=${count}`);
  });

  router.post('/cohorts/:id/learners/move', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const to = idParam.safeParse(req.body?.to);
    const target = to.success && to.data !== cohort.id ? await findCohort(db, to.data) : undefined;
    // A cohort the user does not manage (or an archived one) is answered like one that does not exist.
    if (!target || target.archivedAt || !(await managesCohort(db, res, target.id))) {
      return dashboardPage(deps, req, res, { bulkError: 'cohorts:members.badTarget' }, 422);
    }
    const people = await selection(req, res);
    if (people.length === 0) return;
    if (formText(req.body?.confirmed) !== 'yes') return confirmPage(req, res, { action: 'move', people, to: { id: target.id, name: target.name } });
    // One transaction per learner (moveMember): a learner is either wholly moved or not at all.
    for (const p of people) await moveMember(db, { from: cohort.id, to: target.id, userId: p.id, baseUrl: config.baseUrl });
    redirect(req, res, `/cohorts/${cohort.id}?notice=movedMany&count=${people.length}`);
  });

  return router;
}
