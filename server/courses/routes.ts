import path from 'node:path';
import { Router } from 'express';
import type { Deps } from '../app.ts';
import { currentUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { sharedWhenSignedOut } from '../http/page-cache.ts';
import { render } from '../http/render.ts';
import { modulePageLocals } from '../learning/module-page.ts';
import { learnerCourseState } from '../learning/state.ts';
import { catalogueLocals } from './cards.ts';
import { getCatalogue } from './catalogue.ts';
import { catalogueQuery } from './schemas.ts';

const ASSET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.(png|jpe?g|gif|svg|webp)$/;

export function courseRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  const shared = sharedWhenSignedOut(db);

  router.get('/', shared, async (req, res) => {
    const filters = catalogueQuery.parse(req.query);
    return render(req, res, 'courses/catalogue', await catalogueLocals(db, res, filters), { fragment: 'courses/_list' });
  });

  router.get('/courses/:course', shared, async (req, res) => {
    const course = (await getCatalogue(db)).course(String(req.params.course));
    if (!course) throw new HttpError(404, 'courses:notFound');
    const user = currentUser(res);
    const state = await learnerCourseState(db, user?.id, course);
    return render(req, res, 'courses/course', { course, state, minutes: course.modules.reduce((n, m) => n + m.minutes, 0) });
  });

  // Assets beside a course's modules: only plain image files from its assets folder.
  router.get('/courses/:course/assets/:file', async (req, res) => {
    const course = (await getCatalogue(db)).course(String(req.params.course));
    const file = String(req.params.file);
    if (!course || !ASSET.test(file)) throw new HttpError(404);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.sendFile(path.join(config.coursesPath, course.slug, 'assets', file), { maxAge: '1h', dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  });

  router.get('/courses/:course/:module', shared, async (req, res) => {
    const found = (await getCatalogue(db)).module(String(req.params.course), String(req.params.module));
    if (!found) throw new HttpError(404, 'courses:moduleNotFound');
    const attemptId = Number(req.query.attempt);
    return render(
      req,
      res,
      'courses/module',
      await modulePageLocals(deps, res, found.course, found.module, Number.isInteger(attemptId) && attemptId > 0 ? attemptId : null),
    );
  });

  return router;
}
