import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../app.ts';
import { signedInUser } from '../auth/guards.ts';
import { sendCsv, sendXlsx } from '../cohorts/export.ts';
import { type CatalogueCourse, getCatalogue } from '../courses/catalogue.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { type FieldErrors, formText, parseInput } from '../http/validation.ts';
import { comparisonTable, sendProgrammesPdf } from './programme-export.ts';
import { deleteProgramme, listProgrammes, type ProgrammeRow, saveProgramme } from './programme-queries.ts';
import { type Coverage, coverageOf } from './programmes.ts';
import { frameworkLabels } from './report.ts';

// /admin/reports/programmes: courses and programmes side by side against the 18 competencies
// (administrators only: mounted inside reportRoutes, after its role check).

/** Beyond this many side by side, a comparison no longer fits a page or a sheet anyone reads. */
export const MAX_COMPARED = 6;

const itemKey = z.string().regex(/^(course|programme)-\d{1,9}$/);
const compareQuery = z.object({
  items: z.union([itemKey, z.array(itemKey).max(50)]).optional(),
  format: z.enum(['html', 'csv', 'xlsx', 'pdf']).catch('html').default('html'),
  edit: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const programmeSchema = z.object({
  name: z.string().trim().min(1, { message: 'validation.required' }).max(200, { message: 'validation.tooLong' }),
  description: z.string().trim().max(2000, { message: 'validation.tooLong' }).default(''),
  courses: z
    .union([idParam, z.array(idParam).max(200)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? [...new Set(v)] : [v]))
    .refine((v) => v.length > 0, { message: 'validation.courses' }),
});

export function programmeRoutes({ db }: Deps): Router {
  const router = Router();

  /** Every course and programme that can be compared, as coverages keyed "course-N" / "programme-N". */
  const candidates = async () => {
    const catalogue = await getCatalogue(db);
    const programmes = await listProgrammes(db);
    const ofProgramme = (p: ProgrammeRow) => p.courseIds.map((id) => catalogue.courseById(id)).filter((c): c is CatalogueCourse => !!c);
    const all: Coverage[] = [
      ...programmes.map((p) => coverageOf(`programme-${p.id}`, p.name, ofProgramme(p))),
      ...catalogue.courses.map((c) => coverageOf(`course-${c.id}`, c.title, [c])),
    ];
    return { catalogue, programmes, all };
  };

  const page = async (req: Request, res: Response, form: { values: Record<string, unknown>; errors: FieldErrors; editing?: number }, status?: number) => {
    const parsed = compareQuery.safeParse(req.query);
    if (!parsed.success) throw new HttpError(422, 'errors:invalidInput');
    const { catalogue, programmes, all } = await candidates();
    const asked = parsed.data.items === undefined ? null : [parsed.data.items].flat();
    // Nothing chosen: every programme, then courses, up to the limit.
    const chosen = (asked ? all.filter((c) => asked.includes(c.key)) : all).slice(0, MAX_COMPARED);
    if (asked && chosen.length < Math.min(asked.length, MAX_COMPARED)) throw new HttpError(404);
    const labels = frameworkLabels(res.locals.lang);
    const title = res.locals.t('reports:programmes.title');
    switch (parsed.data.format) {
      case 'csv': {
        const { headers, rows } = comparisonTable(chosen, labels, res.locals.t);
        return sendCsv(res, 'ict-cft-programmes.csv', headers, rows);
      }
      case 'xlsx': {
        const { headers, rows } = comparisonTable(chosen, labels, res.locals.t);
        return sendXlsx(res, 'ict-cft-programmes.xlsx', title, headers, rows);
      }
      case 'pdf':
        return sendProgrammesPdf(res, chosen, labels, res.locals.t, res.locals.lang);
      default: {
        const query = new URLSearchParams(chosen.map((c): [string, string] => ['items', c.key])).toString();
        // ?edit=N fills the form with that programme (a plain link: no JavaScript needed).
        const editing = form.editing ?? parsed.data.edit;
        const current = programmes.find((p) => p.id === editing);
        if (editing !== undefined && !current) throw new HttpError(404);
        const values =
          form.editing === undefined && current
            ? { name: current.name, description: current.description, courses: current.courseIds.map(String) }
            : form.values;
        const locals = { all, chosen, labels, programmes, courses: catalogue.courses, query, max: MAX_COMPARED, ...form, values, editing };
        return render(req, res, 'reports/programmes', locals, { status });
      }
    }
  };

  router.get('/admin/reports/programmes', (req, res) => page(req, res, { values: { courses: [] }, errors: {} }));

  const save = async (req: Request, res: Response, id?: number) => {
    const parsed = parseInput(programmeSchema, req.body);
    const catalogue = await getCatalogue(db);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (parsed.ok && !parsed.data.courses.every((c) => catalogue.courseById(c))) errors.courses = 'validation.courses';
    if (!parsed.ok || Object.keys(errors).length) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      // Bodies may hold objects and arrays: only strings are kept (String() of an object can throw).
      const values = { name: formText(body.name), description: formText(body.description), courses: [body.courses].flat().map(formText) };
      return page(req, res, { values, errors, editing: id }, 422);
    }
    const saved = await saveProgramme(db, parsed.data, signedInUser(res).id, id);
    if (saved === null) throw new HttpError(404);
    redirect(req, res, `/admin/reports/programmes?items=programme-${saved}`);
  };

  router.post('/admin/reports/programmes', (req, res) => save(req, res));
  router.post('/admin/reports/programmes/:id', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    return save(req, res, id.data);
  });
  router.post('/admin/reports/programmes/:id/delete', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await deleteProgramme(db, id.data))) throw new HttpError(404);
    redirect(req, res, '/admin/reports/programmes');
  });
  return router;
}
