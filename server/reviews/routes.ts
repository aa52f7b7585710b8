import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole, signedInUser } from '../auth/guards.ts';
import { cohortAccess, cohortOf } from '../cohorts/middleware.ts';
import { noStore } from '../http/no-store.ts';
import { render } from '../http/render.ts';
import { allQueues, cohortQueue, PER_PAGE, recentlyAssessed, savedAssessment } from './queries.ts';
import { reviewPageRoutes } from './review-page.ts';
import { queueQuery } from './schemas.ts';

/**
 * The trainers' review queues: per cohort (its trainers and administrators; another trainer's
 * cohort answers 404, a teacher 403) and every queue at once (administrators), plus the review page.
 */
export function reviewRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();
  // The review pages show other people's work: never kept by a proxy or the browser's disk.
  router.use('/reviews', noStore);
  router.use('/cohorts/:id/reviews', requireRole('trainer'), cohortAccess(db));

  const notice = async (res: Response, done: number | undefined) => (done ? ((await savedAssessment(db, done, signedInUser(res).id)) ?? null) : null);

  router.get('/cohorts/:id/reviews', async (req: Request, res: Response) => {
    const cohort = cohortOf(res);
    const query = queueQuery.parse(req.query);
    const queue = await cohortQueue(db, cohort.id, query.page);
    await render(req, res, 'reviews/queue', {
      cohort,
      queue: queue.rows,
      total: queue.total,
      page: query.page,
      pages: Math.max(1, Math.ceil(queue.total / PER_PAGE)),
      recent: await recentlyAssessed(db, cohort.id),
      saved: await notice(res, query.done),
      now: Date.now(),
    });
  });

  router.get('/admin/reviews', requireRole('admin'), async (req: Request, res: Response) => {
    const query = queueQuery.parse(req.query);
    const queue = await allQueues(db, query.page);
    await render(req, res, 'reviews/admin', {
      queue: queue.rows,
      total: queue.total,
      page: query.page,
      pages: Math.max(1, Math.ceil(queue.total / PER_PAGE)),
      saved: await notice(res, query.done),
      now: Date.now(),
    });
  });

  router.use(reviewPageRoutes(deps));
  return router;
}
