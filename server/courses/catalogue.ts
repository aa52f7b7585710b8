import { asc, eq, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { type Assignment, courses, moduleCompetencies, modules, type Quiz, versions } from '../db/schema.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';

export interface CatalogueModule {
  id: number;
  slug: string;
  position: number;
  index: number; // 0-based place among the course's active modules
  title: string;
  minutes: number;
  bodyHtml: string;
  quiz: Quiz | null;
  /** The artefact the module asks for, judged by a trainer against its rubric. */
  assignment: Assignment | null;
  competencies: string[];
}

export interface CatalogueCourse {
  id: number;
  slug: string;
  title: string;
  summary: string;
  language: string;
  licence: string;
  authors: string[];
  hours: number;
  sequential: boolean;
  certificate: boolean;
  modules: CatalogueModule[];
  competencies: string[]; // every competency its modules develop, in framework order
}

export interface Catalogue {
  courses: CatalogueCourse[];
  course(slug: string): CatalogueCourse | undefined;
  courseById(id: number): CatalogueCourse | undefined;
  module(courseSlug: string, moduleSlug: string): { course: CatalogueCourse; module: CatalogueModule } | undefined;
  /** Active modules only; evidence from an archived module is shown without a link. */
  moduleById(id: number): { course: CatalogueCourse; module: CatalogueModule } | undefined;
  byCompetency(code: string): { course: CatalogueCourse; module: CatalogueModule }[];
}

const FRAMEWORK_ORDER = new Map(COMPETENCIES.map((c, i) => [c.code as string, i]));
const byFrameworkOrder = (a: string, b: string) => (FRAMEWORK_ORDER.get(a) ?? 99) - (FRAMEWORK_ORDER.get(b) ?? 99);

// Course content changes only when packages are loaded, so pages read this in-memory snapshot
// (built with three queries) instead of querying and re-rendering on every request. Another
// instance on the same database may load packages too: each load bumps the catalogue's version
// row, and an instance compares its snapshot's version with the database at most once a second.
export const CATALOGUE_CHECK_MS = 1000;
const VERSION = 'catalogue';

interface Snapshot {
  version: number;
  catalogue: Promise<Catalogue>;
  checkedAt: number;
}
const snapshots = new WeakMap<Db, Snapshot>();
/** The one refresh in flight per database, shared by the requests that arrive meanwhile. */
const refreshing = new WeakMap<Db, Promise<Catalogue>>();

const versionQuery = preparedPerConnection((db) => db.select({ value: versions.value }).from(versions).where(eq(versions.name, VERSION)).prepare());

/** Called by a course load inside its transaction: every instance's snapshot becomes stale. */
export async function bumpCatalogueVersion(tx: DbOrTx): Promise<void> {
  await tx
    .insert(versions)
    .values({ name: VERSION, value: 1 })
    .onConflictDoUpdate({ target: versions.name, set: { value: sql`${versions.value} + 1` } });
}

/** Drops this process's snapshot at once (after its own load), without waiting for the next check. */
export function invalidateCatalogue(db: Db): void {
  snapshots.delete(db);
}

export function getCatalogue(db: Db): Promise<Catalogue> {
  const snapshot = snapshots.get(db);
  if (snapshot && Date.now() - snapshot.checkedAt < CATALOGUE_CHECK_MS) return snapshot.catalogue;
  let pending = refreshing.get(db);
  if (!pending) {
    pending = refresh(db, snapshot).finally(() => refreshing.delete(db));
    refreshing.set(db, pending);
  }
  return pending;
}

async function refresh(db: Db, snapshot: Snapshot | undefined): Promise<Catalogue> {
  try {
    const [row] = await versionQuery(db).execute();
    const version = row?.value ?? 0;
    if (snapshot && snapshot.version === version) {
      snapshot.checkedAt = Date.now();
      return snapshot.catalogue;
    }
    // Read before building: a load committing meanwhile bumps past it, so the next check rebuilds.
    const catalogue = await buildCatalogue(db);
    snapshots.set(db, { version, catalogue: Promise.resolve(catalogue), checkedAt: Date.now() });
    return catalogue;
  } catch (err) {
    // The database unreachable for a moment: keep serving the snapshot there is, if any.
    if (snapshot) return snapshot.catalogue;
    throw err;
  }
}

async function buildCatalogue(db: Db): Promise<Catalogue> {
  const [courseRows, moduleRows, competencyRows] = await Promise.all([
    db.select().from(courses).where(eq(courses.archived, false)),
    db.select().from(modules).where(eq(modules.archived, false)).orderBy(asc(modules.courseId), asc(modules.position), asc(modules.id)),
    db.select().from(moduleCompetencies),
  ]);

  const codesByModule = new Map<number, string[]>();
  for (const row of competencyRows) {
    const list = codesByModule.get(row.moduleId) ?? [];
    list.push(row.competency);
    codesByModule.set(row.moduleId, list);
  }
  // By title in code-point order, as SQLite's BINARY collation sorts: PostgreSQL's order depends on the
  // database's locale.
  courseRows.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id));
  const list: CatalogueCourse[] = courseRows.map((c) => {
    const mods = moduleRows
      .filter((m) => m.courseId === c.id)
      .map((m, index) => ({
        id: m.id,
        slug: m.slug,
        position: m.position,
        index,
        title: m.title,
        minutes: m.minutes,
        bodyHtml: m.bodyHtml,
        quiz: m.quiz ?? null,
        assignment: m.assignment ?? null,
        competencies: (codesByModule.get(m.id) ?? []).sort(byFrameworkOrder),
      }));
    const competencies = [...new Set(mods.flatMap((m) => m.competencies))].sort(byFrameworkOrder);
    return {
      id: c.id,
      slug: c.slug,
      title: c.title,
      summary: c.summary,
      language: c.language,
      licence: c.licence,
      authors: c.authors,
      hours: c.hours,
      sequential: c.sequential,
      certificate: c.certificate,
      modules: mods,
      competencies,
    };
  });

  const bySlug = new Map(list.map((c) => [c.slug, c]));
  const byId = new Map(list.map((c) => [c.id, c]));
  const byCode = new Map<string, { course: CatalogueCourse; module: CatalogueModule }[]>();
  const byModuleId = new Map<number, { course: CatalogueCourse; module: CatalogueModule }>();
  for (const course of list) {
    for (const module of course.modules) {
      byModuleId.set(module.id, { course, module });
      for (const code of module.competencies) {
        const entries = byCode.get(code) ?? [];
        entries.push({ course, module });
        byCode.set(code, entries);
      }
    }
  }
  return {
    courses: list,
    course: (slug) => bySlug.get(slug),
    courseById: (id) => byId.get(id),
    module: (courseSlug, moduleSlug) => {
      const course = bySlug.get(courseSlug);
      const module = course?.modules.find((m) => m.slug === moduleSlug);
      return course && module ? { course, module } : undefined;
    },
    moduleById: (id) => byModuleId.get(id),
    byCompetency: (code) => byCode.get(code) ?? [],
  };
}
