import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { redirect, render } from '../http/render.ts';
import { type FieldErrors, parseInput } from '../http/validation.ts';
import { enrolInCourse } from '../learning/enrolment.ts';
import { activeMemberIds, setArchived, updateCohort } from './learner-queries.ts';
import { cohortOf, liveOnly } from './middleware.ts';
import { cohortCourseIds } from './queries.ts';
import { cohortSchema } from './schemas.ts';

// Editing a cohort (same form and rules as creating one) and archiving it. An archived cohort
// keeps its data; it leaves the main list, sends no reminders and its page is read-only.

type Values = Record<string, string | string[]>;

function keptValues(body: unknown): Values {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  const courses = Array.isArray(b.courses) ? b.courses.map(String) : typeof b.courses === 'string' ? [b.courses] : [];
  return { name: str('name'), startDate: str('startDate'), dueDate: str('dueDate'), description: str('description'), courses };
}

export function editRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  const editPage = async (req: Request, res: Response, form: { values: Values; errors: FieldErrors }, status?: number) => {
    const cohort = cohortOf(res);
    const catalogue = await getCatalogue(db);
    return render(
      req,
      res,
      'cohorts/edit',
      { cohort, courses: catalogue.courses, action: `/cohorts/${cohort.id}/edit`, submitLabel: res.locals.t('cohorts:edit.submit'), ...form },
      { status, fragment: req.method === 'POST' ? 'cohorts/_form' : undefined },
    );
  };

  router.get('/cohorts/:id/edit', async (req, res) => {
    const cohort = cohortOf(res);
    const courses = (await cohortCourseIds(db, cohort.id)).map(String);
    const values = { name: cohort.name, description: cohort.description, startDate: cohort.startDate, dueDate: cohort.dueDate ?? '', courses };
    return editPage(req, res, { values, errors: {} });
  });

  router.post('/cohorts/:id/edit', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const parsed = parseInput(cohortSchema, req.body);
    if (!parsed.ok) return editPage(req, res, { values: keptValues(req.body), errors: parsed.errors }, 422);
    const catalogue = await getCatalogue(db);
    if (!parsed.data.courses.every((id) => catalogue.courseById(id))) {
      return editPage(req, res, { values: keptValues(req.body), errors: { courses: 'validation.courses' } }, 422);
    }
    const added = await updateCohort(db, cohort, parsed.data);
    // Members join a course added to the cohort, as they joined its first ones (enrolInCourse is idempotent).
    const newCourses = added.map((id) => catalogue.courseById(id)).filter((c) => !!c);
    if (newCourses.length) {
      for (const userId of await activeMemberIds(db, cohort.id)) {
        for (const course of newCourses) await enrolInCourse(db, { userId, course, baseUrl: config.baseUrl });
      }
    }
    redirect(req, res, `/cohorts/${cohort.id}?notice=edited`);
  });

  // The confirmation page for archiving, or for bringing an archived cohort back.
  router.get('/cohorts/:id/archive', (req, res) => render(req, res, 'cohorts/archive', { cohort: cohortOf(res) }));

  router.post('/cohorts/:id/archive', async (req, res) => {
    const cohort = cohortOf(res);
    await setArchived(db, cohort.id, Date.now());
    redirect(req, res, `/cohorts/${cohort.id}?notice=archived`);
  });

  router.post('/cohorts/:id/unarchive', async (req, res) => {
    const cohort = cohortOf(res);
    await setArchived(db, cohort.id, null);
    redirect(req, res, `/cohorts/${cohort.id}?notice=unarchived`);
  });

  return router;
}
