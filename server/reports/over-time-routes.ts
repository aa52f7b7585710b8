import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../app.ts';
import { signedInUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { type FieldErrors, parseInput } from '../http/validation.ts';
import { findOrganisation } from '../organisations/queries.ts';
import { frameworkLabels } from './report.ts';
import { filterSchema, isCalendarDay, reportQuery } from './schemas.ts';
import { addTarget, deleteTarget, listTargets, TARGET_SCOPES, targetProgress } from './targets.ts';
import { chartOf } from './trend-chart.ts';
import { quarterlyTrend } from './trend.ts';

// /admin/reports/compliance/over-time: the quarterly trend of the selected teachers (an SVG
// chart drawn here, readable without JavaScript, the numbers in a table beside it) and the
// targets administrators set, each with where it stands today. Mounted inside reportRoutes.

const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const targetSchema = z.object({
  name: z.string().trim().min(1, { message: 'validation.required' }).max(200, { message: 'validation.tooLong' }),
  scope: z.string().refine((v) => TARGET_SCOPES.includes(v), { message: 'validation.invalid' }),
  percent: z.coerce
    .number({ message: 'validation.invalid' })
    .int({ message: 'validation.invalid' })
    .min(1, { message: 'validation.invalid' })
    .max(100, { message: 'validation.invalid' }),
  dueDate: z.string().trim().refine(isCalendarDay, { message: 'validation.date' }),
  place: z.union([z.literal(''), idParam]).default(''),
});

export function overTimeRoutes({ db }: Deps): Router {
  const router = Router();

  const page = async (req: Request, res: Response, form: { values: Record<string, string>; errors: FieldErrors }, status?: number) => {
    const parsed = filterSchema.safeParse(req.query);
    if (!parsed.success) throw new HttpError(422, 'errors:invalidInput');
    const filters = parsed.data;
    const place = filters.place === undefined ? undefined : await findOrganisation(db, filters.place);
    if (filters.place !== undefined && !place) throw new HttpError(404);
    const quarters = await quarterlyTrend(db, filters);
    const progress = await targetProgress(db, await listTargets(db));
    const labels = frameworkLabels(res.locals.lang);
    const query = reportQuery({ ...filters, from: '', to: '', asOf: '' });
    return render(
      req,
      res,
      'reports/over-time',
      { quarters, chart: chartOf(quarters), progress, labels, place, query, scopes: TARGET_SCOPES, ...form },
      { status },
    );
  };

  router.get('/admin/reports/compliance/over-time', (req, res) => page(req, res, { values: { percent: '80', scope: 'KA' }, errors: {} }));

  router.post('/admin/reports/targets', async (req, res) => {
    const parsed = parseInput(targetSchema, req.body);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (parsed.ok && parsed.data.place !== '' && !(await findOrganisation(db, parsed.data.place))) errors.place = 'validation.invalid';
    if (!parsed.ok || Object.keys(errors).length) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(
        ['name', 'scope', 'percent', 'dueDate', 'place'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']),
      );
      return page(req, res, { values, errors }, 422);
    }
    const { name, scope, percent, dueDate, place } = parsed.data;
    await addTarget(db, { name, scope, percent, dueDate, placeId: place === '' ? null : place }, signedInUser(res).id);
    redirect(req, res, '/admin/reports/compliance/over-time#targets');
  });

  router.post('/admin/reports/targets/:id/delete', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await deleteTarget(db, id.data))) throw new HttpError(404);
    redirect(req, res, '/admin/reports/compliance/over-time#targets');
  });
  return router;
}
