import type { Request, Response } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, signedInUser } from '../auth/guards.ts';
import { render } from '../http/render.ts';
import { mailEnabled } from './mail.ts';
import { cohortOf } from './middleware.ts';
import { noticeOf } from './notices.ts';
import { dashboard, dashboardHref, sortDirection } from './progress.ts';
import { movableTargets } from './queries.ts';
import { type DashboardQuery, dashboardQuery, STATUS_FILTERS } from './schemas.ts';
import { LEARNER_STATUSES, LEGEND } from './statuses.ts';

/** GET /cohorts/:id: the summary, the filters, the legend and the matrix with its bulk actions. */
export async function dashboardPage(deps: Deps, req: Request, res: Response, extra: Record<string, unknown> = {}, status?: number) {
  const { db } = deps;
  const cohort = cohortOf(res);
  const user = signedInUser(res);
  // A bulk form posts elsewhere and comes back here on a mistake: then the page shows its defaults.
  const query = dashboardQuery.parse(req.method === 'GET' ? req.query : {});
  const data = await dashboard(db, cohort, query);
  const base = `/cohorts/${cohort.id}`;
  const href = (over: Partial<DashboardQuery> = {}) => dashboardHref(base, query, over);
  // A sort link flips the direction of the column already sorted, and starts others at their natural direction.
  const sortHref = (sort: DashboardQuery['sort']) =>
    href({ sort, page: 1, dir: sort === query.sort ? (sortDirection(query) === 'asc' ? 'desc' : 'asc') : undefined });
  const exportQuery = href({ page: 1 }).slice(base.length);
  const targets = cohort.archivedAt ? [] : await movableTargets(db, { userId: user.id, all: hasRole(user, 'admin'), except: cohort.id });
  return render(
    req,
    res,
    'cohorts/show',
    {
      cohort,
      query,
      dir: sortDirection(query),
      href,
      sortHref,
      exportQuery,
      targets,
      legend: LEGEND,
      summaryStatuses: LEARNER_STATUSES,
      statusFilters: STATUS_FILTERS,
      notice: noticeOf(req),
      mail: mailEnabled(deps.config),
      bulkError: null,
      ...data,
      ...extra,
    },
    { fragment: 'cohorts/_table', status },
  );
}
