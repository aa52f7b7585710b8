import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { courses, moduleCompetencies, modules, type Quiz } from '../db/schema.ts';
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
// (built with three queries) instead of querying and re-rendering on every request.
const cache = new WeakMap<Db, Catalogue>();

export function invalidateCatalogue(db: Db): void {
  cache.delete(db);
}

export function getCatalogue(db: Db): Catalogue {
  let catalogue = cache.get(db);
  if (!catalogue) {
    catalogue = buildCatalogue(db);
    cache.set(db, catalogue);
  }
  return catalogue;
}

function buildCatalogue(db: Db): Catalogue {
  const courseRows = db.select().from(courses).where(eq(courses.archived, false)).orderBy(asc(courses.title)).all();
  const moduleRows = db.select().from(modules).where(eq(modules.archived, false)).orderBy(asc(modules.courseId), asc(modules.position)).all();
  const competencyRows = db.select().from(moduleCompetencies).all();

  const codesByModule = new Map<number, string[]>();
  for (const row of competencyRows) {
    const list = codesByModule.get(row.moduleId) ?? [];
    list.push(row.competency);
    codesByModule.set(row.moduleId, list);
  }
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
