import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, requireRole, signedInUser } from '../auth/guards.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { redirect, render } from '../http/render.ts';
import { parseInput, type FieldErrors } from '../http/validation.ts';
import { fileStem, progressTable, sendCsv, sendXlsx } from './export.ts';
import { invitationRoutes } from './invitations.ts';
import { bulkRoutes } from './bulk-routes.ts';
import { editRoutes } from './edit-routes.ts';
import { learnerRoutes } from './learner-routes.ts';
import { memberRoutes, membersPage } from './member-routes.ts';
import { cohortAccess, cohortOf } from './middleware.ts';
import { dashboardPage } from './dashboard-page.ts';
import { exportData, isoToday, PER_PAGE } from './progress.ts';
import { addTrainer, createCohort, findTrainerByEmail, listCohorts } from './queries.ts';
import { cohortSchema, dashboardQuery, membersQuery, trainerSchema } from './schemas.ts';

// Route table: each route reads auth -> validate -> handler. Every /cohorts/:id* route passes
// cohortAccess first, so a trainer reaches only cohorts they are assigned to.

type FormValues = Record<string, string | string[]>;

function keptValues(body: unknown): FormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  const courses = Array.isArray(b.courses) ? b.courses.map(String) : typeof b.courses === 'string' ? [b.courses] : [];
  return { name: str('name'), startDate: str('startDate'), dueDate: str('dueDate'), description: str('description'), courses };
}

export function cohortRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  router.use(invitationRoutes(deps));
  router.use('/cohorts', requireRole('trainer'));
  router.use('/cohorts/:id', cohortAccess(db));

  const listPage = async (req: Request, res: Response, form: { values: FormValues; errors: FieldErrors }, status?: number) => {
    const user = signedInUser(res);
    const page = membersQuery.parse(req.query).page;
    // Archived cohorts are listed apart, at /cohorts?view=archived.
    const archived = req.method === 'GET' && req.query.view === 'archived';
    const { rows, total } = await listCohorts(db, { userId: user.id, all: hasRole(user, 'admin'), page, perPage: PER_PAGE, archived });
    const catalogue = await getCatalogue(db);
    const cohorts = rows.map((r) => ({ ...r, courses: r.courseIds.map((id) => catalogue.courseById(id)?.title).filter(Boolean) }));
    const locals = { cohorts, total, page, archived, pages: Math.max(1, Math.ceil(total / PER_PAGE)), courses: catalogue.courses, today: isoToday(), ...form };
    return render(req, res, 'cohorts/index', locals, { status, fragment: req.method === 'POST' ? 'cohorts/_form' : 'cohorts/_list' });
  };

  router.get('/cohorts', (req, res) => listPage(req, res, { values: { startDate: isoToday(), courses: [] }, errors: {} }));

  router.post('/cohorts', async (req, res) => {
    const parsed = parseInput(cohortSchema, req.body);
    if (!parsed.ok) return listPage(req, res, { values: keptValues(req.body), errors: parsed.errors }, 422);
    const catalogue = await getCatalogue(db);
    if (!parsed.data.courses.every((id) => catalogue.courseById(id))) {
      return listPage(req, res, { values: keptValues(req.body), errors: { courses: 'validation.courses' } }, 422);
    }
    const id = await createCohort(db, parsed.data, signedInUser(res).id);
    redirect(req, res, `/cohorts/${id}`);
  });

  router.get('/cohorts/:id', (req, res) => dashboardPage(deps, req, res));

  const exportRows = async (req: Request, res: Response) => {
    const cohort = cohortOf(res);
    const data = await exportData(db, cohort, dashboardQuery.parse(req.query));
    return { cohort, ...progressTable(data, res.locals.t, config.baseUrl) };
  };

  router.get('/cohorts/:id/progress.csv', async (req, res) => {
    const { cohort, headers, rows } = await exportRows(req, res);
    sendCsv(res, `${fileStem(cohort)}-progress.csv`, headers, rows);
  });

  router.get('/cohorts/:id/progress.xlsx', async (req, res) => {
    const { cohort, headers, rows } = await exportRows(req, res);
    await sendXlsx(res, `${fileStem(cohort)}-progress.xlsx`, cohort.name, headers, rows);
  });

  router.post('/cohorts/:id/trainers', requireRole('admin'), async (req, res) => {
    const cohort = cohortOf(res);
    const parsed = parseInput(trainerSchema, req.body);
    const trainer = parsed.ok ? await findTrainerByEmail(db, parsed.data.email) : undefined;
    if (!trainer) {
      const email = typeof req.body?.email === 'string' ? req.body.email : '';
      return membersPage(deps, req, res, { trainerForm: { email, error: parsed.ok ? 'cohorts:trainers.notTrainer' : 'common:validation.email' } }, 422);
    }
    await addTrainer(db, cohort.id, trainer.id);
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=trainerAdded`);
  });

  router.use(memberRoutes(deps));
  router.use(learnerRoutes(deps));
  router.use(bulkRoutes(deps));
  router.use(editRoutes(deps));
  return router;
}
