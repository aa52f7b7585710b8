import { type Request, type Response, Router } from 'express';
import type { TFunction } from 'i18next';
import type { Deps } from '../app.ts';
import { requireRole } from '../auth/guards.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { type FieldErrors, parseInput } from '../http/validation.ts';
import { sendGroupedCsv, sendTeachersCsv } from './export-csv.ts';
import { sendComplianceJson } from './export-json.ts';
import { sendCompliancePdf } from './export-pdf.ts';
import { sendXlsx } from './export-xlsx.ts';
import { findOrganisation } from '../organisations/queries.ts';
import { overTimeRoutes } from './over-time-routes.ts';
import { programmeRoutes } from './programme-routes.ts';
import { countTeachers, excludedStaff, filterOptions, moduleTitles } from './queries.ts';
import {
  buildComplianceReport,
  figures,
  formatGeneratedAt,
  frameworkLabels,
  GROUPS_PER_PAGE,
  HEAT_STEPS,
  heatLevel,
  MATRIX,
  pageOf,
  reportMetadata,
} from './report.ts';
import { type Filters, filterSchema, type Layout, layoutSchema, reportQuery } from './schemas.ts';
import { isoDay, teacherPage } from './teachers.ts';

const FILTER_FIELDS = ['country', 'region', 'school', 'place', 'cohort', 'course', 'from', 'to', 'asOf'] as const;

/** auth -> validate: the filters (422 with a message per field), the layout (lenient), the select options. */
async function readRequest(db: Db, req: Request) {
  const options = await filterOptions(db);
  const layout = layoutSchema.parse(req.query);
  const values = Object.fromEntries(FILTER_FIELDS.map((f) => [f, typeof req.query[f] === 'string' ? String(req.query[f]).trim() : ''])) as Record<
    (typeof FILTER_FIELDS)[number],
    string
  >;
  const parsed = parseInput(filterSchema, req.query);
  const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
  // A cohort or course must be one of the choices offered (checked even when other fields fail).
  if (values.cohort && !options.cohorts.some((c) => String(c.id) === values.cohort)) errors.cohort ??= 'validation.invalid';
  if (values.course && !options.courses.some((c) => String(c.id) === values.course)) errors.course ??= 'validation.invalid';
  // A place must be in the registry (a drill-down link to an entry merged away since answers 422, not an empty report).
  if (parsed.ok && parsed.data.place !== undefined) {
    options.place = await findOrganisation(db, parsed.data.place);
    if (!options.place) errors.place ??= 'validation.invalid';
  }
  const filters: Filters | undefined = parsed.ok && Object.keys(errors).length === 0 ? parsed.data : undefined;
  return { options, layout, values, errors, filters };
}

/** Helpers the views share: URLs that keep the current filters. */
function viewLocals(filters: Filters | undefined, layout: Layout, lang: string) {
  const current = filters ?? filterSchema.parse({});
  const url = (path: string, query: string) => (query ? `${path}?${query}` : path);
  const grouped = (extra: Record<string, string | number | undefined>) =>
    url('/admin/reports/compliance', reportQuery(current, { group: layout.group, sort: layout.sort, dir: layout.dir, ...extra }));
  return {
    labels: frameworkLabels(lang),
    matrix: MATRIX,
    heatLevel,
    heatSteps: HEAT_STEPS,
    generatedAtText: (iso: string) => formatGeneratedAt(iso, lang),
    isoDay,
    groupedHref: grouped,
    sortHref: (key: string) =>
      grouped({ sort: key, dir: layout.sort === key ? (layout.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc', page: undefined }),
    teachersHref: (extra: Record<string, string | number | undefined> = {}) => url('/admin/reports/compliance/teachers', reportQuery(current, extra)),
  };
}

export function reportRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();
  router.use('/admin/reports', requireRole('admin'));
  router.use(programmeRoutes(deps));
  router.use(overTimeRoutes(deps));

  router.get('/admin/reports/compliance', async (req: Request, res: Response) => {
    const t: TFunction = res.locals.t;
    const lang: string = res.locals.lang;
    const { options, layout, values, errors, filters } = await readRequest(db, req);
    const locals = { filterChoices: options, layout, values, errors, ...viewLocals(filters, layout, lang) };
    if (!filters) {
      if (layout.format !== 'html') throw new HttpError(422, 'errors:invalidInput');
      return render(req, res, 'reports/compliance', { ...locals, report: null }, { fragment: 'reports/_results', status: 422 });
    }
    if (layout.format === 'csv' && layout.detail === 'teachers') {
      const counted = { teachers: await countTeachers(db, filters), staffExcluded: await excludedStaff(db, filters) };
      const metadata = reportMetadata(filters, layout.group, counted, options, t, lang);
      return sendTeachersCsv(res, db, filters, metadata, await moduleTitles(db), t);
    }
    const report = await buildComplianceReport(db, filters, layout, options, t, lang);
    switch (layout.format) {
      case 'json':
        res.setHeader('Cache-Control', 'no-store');
        return sendComplianceJson(res, report, locals.labels);
      case 'csv':
        return sendGroupedCsv(res, report, locals.labels, t);
      case 'xlsx':
        return sendXlsx(res, db, filters, report, locals.labels, await moduleTitles(db), t);
      case 'pdf':
        return sendCompliancePdf(res, report, locals.labels, t, lang);
      default: {
        const counted = pageOf(report.groups, layout.page, GROUPS_PER_PAGE);
        const page = { ...counted, items: counted.items.map(figures) };
        return render(req, res, 'reports/compliance', { ...locals, report, page }, { fragment: 'reports/_results' });
      }
    }
  });

  router.get('/admin/reports/compliance/teachers', async (req: Request, res: Response) => {
    const t: TFunction = res.locals.t;
    const lang: string = res.locals.lang;
    const { options, layout, values, errors, filters } = await readRequest(db, req);
    const locals = { filterChoices: options, layout, values, errors, ...viewLocals(filters, layout, lang) };
    if (!filters) return render(req, res, 'reports/teachers', { ...locals, result: null }, { fragment: 'reports/_teachers', status: 422 });
    const result = await teacherPage(db, filters, layout.page);
    const metadata = reportMetadata(filters, layout.group, { teachers: result.total, staffExcluded: await excludedStaff(db, filters) }, options, t, lang);
    return render(req, res, 'reports/teachers', { ...locals, result, metadata, modules: await moduleTitles(db) }, { fragment: 'reports/_teachers' });
  });

  return router;
}
