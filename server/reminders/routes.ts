import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole, signedInUser } from '../auth/guards.ts';
import { cohortAccess, cohortOf, liveOnly } from '../cohorts/middleware.ts';
import { bulkSchema } from '../cohorts/schemas.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { mailEnabled } from '../mail/transport.ts';
import { remindNow } from './manual.ts';
import { LOG_PER_PAGE, loadRules, saveRules, sendLog } from './queries.ts';
import { type CohortRules, DEFAULT_NOT_STARTED_DAYS } from './rules.ts';
import { logQuery, remindBackSchema, ruleErrors, rulesSchema } from './schemas.ts';
import { unsubscribeRoutes } from './unsubscribe-routes.ts';

/** What a re-rendered rules form carries: the refused input and its errors, or the saved rules. */
interface PageExtra {
  rules?: CohortRules;
  form?: Record<string, unknown>;
  errors?: Record<string, string>;
  status?: number;
}

/** /cohorts/:id/reminders (rules, log, remind now) for the cohort's trainers and admins; unsubscribe for anyone holding a link. */
export function reminderRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  router.use(unsubscribeRoutes(deps));
  // Another trainer's cohort answers 404 (cohortAccess), a teacher 403 (requireRole).
  router.use('/cohorts/:id/reminders', requireRole('trainer'), cohortAccess(db));

  const page = async (req: Request, res: Response, extra: PageExtra = {}) => {
    const cohort = cohortOf(res);
    const query = logQuery.parse(req.query);
    const log = await sendLog(db, cohort.id, query.page);
    await render(
      req,
      res,
      'reminders/index',
      {
        cohort,
        rules: extra.rules ?? (await loadRules(db, cohort.id)),
        form: extra.form ?? null,
        errors: extra.errors ?? {},
        saved: req.query.notice === 'saved' && !extra.status,
        mailOn: mailEnabled(config),
        log: log.rows,
        page: query.page,
        pages: Math.max(1, Math.ceil(log.total / LOG_PER_PAGE)),
      },
      { status: extra.status },
    );
  };

  router.get('/cohorts/:id/reminders', async (req, res) => page(req, res));

  router.post('/cohorts/:id/reminders', async (req, res) => {
    const cohort = cohortOf(res);
    const parsed = rulesSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const form = typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>) : {};
      return page(req, res, { form, errors: ruleErrors(parsed.error), status: 422 });
    }
    const d = parsed.data;
    const rules: CohortRules = {
      not_started: { enabled: d.not_started, days: d.not_started_days ?? DEFAULT_NOT_STARTED_DAYS },
      behind: { enabled: d.behind, days: null },
      due_soon: { enabled: d.due_soon, days: null },
      overdue: { enabled: d.overdue, days: null },
      digest: { enabled: d.digest, days: null },
    };
    await saveRules(db, cohort.id, rules, signedInUser(res).id);
    redirect(req, res, `/cohorts/${cohort.id}/reminders?notice=saved`);
  });

  router.post('/cohorts/:id/reminders/send', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    if (!mailEnabled(config)) throw new HttpError(409, 'reminders:errors.noMail');
    const selected = bulkSchema.safeParse(req.body ?? {});
    if (!selected.success) throw new HttpError(422, 'reminders:errors.noneSelected');
    const back = remindBackSchema.parse(req.body ?? {}).back;
    const user = signedInUser(res);
    const result = await remindNow(deps, cohort, { id: user.id, name: user.name }, selected.data.users);
    const query = `notice=reminded&sent=${result.sent}&skipped=${result.skipped}&failed=${result.failed}`;
    const ids = selected.data.users;
    redirect(req, res, back === 'learner' && ids.length === 1 ? `/cohorts/${cohort.id}/learners/${ids[0]}?${query}` : `/cohorts/${cohort.id}?${query}`);
  });

  return router;
}
