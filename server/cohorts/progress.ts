import type { PersonSummary } from '../db/schema.ts';
import { getCatalogue, type CatalogueCourse } from '../courses/catalogue.ts';
import type { Db } from '../db/client.ts';
import { type Cell, currentCertificates, memberRows, moduleTotals, progressCells, schoolsOf, statusCounts } from './progress-queries.ts';
import { cohortCourseIds, countMembers, type Cohort } from './queries.ts';
import type { DashboardQuery } from './schemas.ts';
import { CELL_STATUSES, type CellStatus, type LearnerStatus } from './statuses.ts';

export { CELL_STATUSES, type CellStatus };

// Dashboard data: the learners x modules matrix of a cohort, built from a few aggregate queries.

export const PER_PAGE = 50;

export interface Column {
  courseId: number;
  moduleId: number;
  label: string; // "2.3": third module of the cohort's second course
  title: string;
  short: string; // the title cut to fit a column header; the full title goes to assistive technology
}

const SHORT_TITLE = 24;

/** A title cut at a word boundary to about SHORT_TITLE characters, with an ellipsis when cut. */
export function shortTitle(title: string): string {
  if (title.length <= SHORT_TITLE) return title;
  const cut = title.slice(0, SHORT_TITLE);
  const space = cut.lastIndexOf(' ');
  return `${(space > SHORT_TITLE / 2 ? cut.slice(0, space) : cut).replace(/[\s,.:;–-]+$/, '')}…`;
}

export interface Learner extends PersonSummary {
  dueDate: string | null;
  extended: boolean;
  status: LearnerStatus;
  completed: number;
  percent: number;
  lastActivity: number | null;
  overdue: boolean;
  cells: CellStatus[];
  certificates: { courseId: number; courseTitle: string; code: string }[];
}

/** The cohort's courses as they are in the catalogue (archived ones drop out) and their modules in order. */
export async function cohortStructure(db: Db, cohortId: number): Promise<{ courses: CatalogueCourse[]; columns: Column[] }> {
  const catalogue = await getCatalogue(db);
  const courses = (await cohortCourseIds(db, cohortId))
    .map((id) => catalogue.courseById(id))
    .filter((c): c is CatalogueCourse => !!c)
    .sort((a, b) => a.title.localeCompare(b.title));
  const columns = courses.flatMap((course, ci) =>
    course.modules.map((m, mi) => ({ courseId: course.id, moduleId: m.id, label: `${ci + 1}.${mi + 1}`, title: m.title, short: shortTitle(m.title) })),
  );
  return { courses, columns };
}

export function cellStatus(cell: Cell | undefined): CellStatus {
  if (!cell) return 'not_started';
  if (cell.status === 'completed') return 'completed';
  if (cell.attempts > 0 && !cell.quizPassed) return 'quiz_failed';
  return 'in_progress';
}

/** Today as YYYY-MM-DD in UTC, the form due dates are stored in. */
export function isoToday(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function isPastDue(cohort: Pick<Cohort, 'dueDate'>, today: string): boolean {
  return !!cohort.dueDate && today > cohort.dueDate;
}

/** The same precedence as the SQL in progress-queries.ts (learnerStatus): awaiting review, done, overdue, not started, in progress. */
export function learnerStatusOf(
  l: { completed: number; touched: boolean; dueDate: string | null; awaitingReview: boolean },
  all: number,
  today: string,
): LearnerStatus {
  if (l.awaitingReview) return 'awaiting_review';
  if (all > 0 && l.completed >= all) return 'done';
  if (l.dueDate && today > l.dueDate) return 'overdue';
  return l.touched ? 'in_progress' : 'not_started';
}

export function sortDirection(query: { sort: DashboardQuery['sort']; dir?: DashboardQuery['dir'] }): 'asc' | 'desc' {
  return query.dir ?? (query.sort === 'name' ? 'asc' : 'desc');
}

async function learnersFrom(
  db: Db,
  cohort: Cohort,
  structure: { courses: CatalogueCourse[]; columns: Column[] },
  query: DashboardQuery,
  opts: { today: string; limit: number | null; offset: number },
) {
  const moduleIds = structure.columns.map((c) => c.moduleId);
  const { rows, total } = await memberRows(db, cohort.id, {
    moduleIds,
    filter: { q: query.q, school: query.school, status: query.status },
    sort: { sort: query.sort, dir: sortDirection(query) },
    today: opts.today,
    limit: opts.limit,
    offset: opts.offset,
  });
  const ids = opts.limit === null ? null : rows.map((r) => r.id);
  // Each learner's cells, completed count and last activity, from the same rows the matrix shows.
  const column = new Map(moduleIds.map((m, i) => [m, i]));
  const progress = new Map<number, { cells: CellStatus[]; completed: number; lastActivity: number | null }>();
  for (const cell of await progressCells(db, cohort.id, moduleIds, ids)) {
    let p = progress.get(cell.userId);
    if (!p) {
      p = { cells: moduleIds.map((): CellStatus => 'not_started'), completed: 0, lastActivity: null };
      progress.set(cell.userId, p);
    }
    const status = cellStatus(cell);
    p.cells[column.get(cell.moduleId)!] = status;
    if (status === 'completed') p.completed++;
    if (p.lastActivity === null || cell.lastActivityAt > p.lastActivity) p.lastActivity = cell.lastActivityAt;
  }
  const certs = new Map<number, Learner['certificates']>();
  for (const c of await currentCertificates(
    db,
    cohort.id,
    structure.courses.map((x) => x.id),
    ids,
  )) {
    const list = certs.get(c.userId) ?? [];
    list.push({ courseId: c.courseId, courseTitle: structure.courses.find((x) => x.id === c.courseId)?.title ?? '', code: c.code });
    certs.set(c.userId, list);
  }
  const all = moduleIds.length;
  const learners: Learner[] = rows.map((r) => {
    const touched = progress.get(r.id);
    const p = touched ?? { cells: moduleIds.map((): CellStatus => 'not_started'), completed: 0, lastActivity: null };
    const status = learnerStatusOf({ completed: p.completed, touched: !!touched, dueDate: r.dueDate, awaitingReview: r.awaitingReview }, all, opts.today);
    return {
      ...r,
      ...p,
      status,
      percent: all ? Math.floor((p.completed / all) * 100) : 0,
      overdue: status === 'overdue',
      certificates: certs.get(r.id) ?? [],
    };
  });
  return { learners, total };
}

/** One page of the dashboard, with the cohort-wide aggregate row and the filter's school list. */
export async function dashboard(db: Db, cohort: Cohort, query: DashboardQuery, today = isoToday()) {
  const structure = await cohortStructure(db, cohort.id);
  const members = await countMembers(db, cohort.id);
  const { learners, total } = await learnersFrom(db, cohort, structure, query, { today, limit: PER_PAGE, offset: (query.page - 1) * PER_PAGE });
  const totals = await moduleTotals(
    db,
    cohort.id,
    structure.columns.map((c) => c.moduleId),
  );
  const summary = await statusCounts(db, cohort.id, { moduleIds: structure.columns.map((c) => c.moduleId), today });
  const byModule = new Map(totals.map((r) => [r.moduleId, r]));
  const aggregates = structure.columns.map((c) => {
    const completed = byModule.get(c.moduleId)?.completed ?? 0;
    return { moduleId: c.moduleId, completed, percent: members ? Math.round((completed / members) * 100) : 0 };
  });
  return {
    ...structure,
    learners,
    total,
    members,
    pages: Math.max(1, Math.ceil(total / PER_PAGE)),
    aggregates,
    schools: await schoolsOf(db, cohort.id),
    pastDue: isPastDue(cohort, today),
    summary,
  };
}

/** Every member matching the query (no paging), for the CSV and XLSX exports. */
export async function exportData(db: Db, cohort: Cohort, query: DashboardQuery, today = isoToday()) {
  const structure = await cohortStructure(db, cohort.id);
  const { learners } = await learnersFrom(db, cohort, structure, query, { today, limit: null, offset: 0 });
  return { ...structure, learners };
}

/** A dashboard URL keeping the current filters and sort, with some of them changed; defaults are left out. */
export function dashboardHref(base: string, query: DashboardQuery, over: Partial<DashboardQuery> = {}): string {
  const q = { ...query, ...over };
  const params = new URLSearchParams();
  if (q.q) params.set('q', q.q);
  if (q.school) params.set('school', q.school);
  if (q.status) params.set('status', q.status);
  if (q.sort !== 'name') params.set('sort', q.sort);
  if (q.dir && q.dir !== sortDirection({ sort: q.sort })) params.set('dir', q.dir);
  if (q.page > 1) params.set('page', String(q.page));
  const s = params.toString();
  return s ? `${base}?${s}` : base;
}
