import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { courses, moduleCompetencies, modules } from '../db/schema.ts';
import { bumpCatalogueVersion, invalidateCatalogue } from './catalogue.ts';
import { renderMarkdown } from './markdown.ts';
import { type AssignmentPackage, readCoursePackages, type CoursePackage } from './package-reader.ts';
import type { Assignment } from '../db/schema.ts';

export { CoursePackageError } from './package-reader.ts';

export interface LoadReport {
  courses: number;
  modules: number;
  archived: number;
}

/**
 * Writes packages into the database, keyed by slugs, in one transaction. Running it again with
 * the same files changes nothing; an edited module keeps its id (and so every learner's
 * progress); a module or course that disappeared is archived, never deleted.
 */
export async function syncCourses(db: Db, packages: CoursePackage[], now = Date.now()): Promise<LoadReport> {
  // The report is built inside the transaction, which PostgreSQL may run more than once.
  const report = await db.transaction(async (tx) => {
    const counts: LoadReport = { courses: packages.length, modules: 0, archived: 0 };
    for (const pkg of packages) {
      const courseValues = {
        title: pkg.title,
        summary: pkg.summary,
        language: pkg.language,
        licence: pkg.licence,
        authors: pkg.authors,
        hours: pkg.hours,
        sequential: pkg.sequential,
        certificate: pkg.certificate,
        archived: false,
        updatedAt: now,
      };
      const [course] = await tx
        .insert(courses)
        .values({ slug: pkg.slug, ...courseValues })
        .onConflictDoUpdate({ target: courses.slug, set: courseValues })
        .returning({ id: courses.id });
      const courseId = course!.id;
      const assetBase = `/courses/${pkg.slug}/assets`;
      const keptIds: number[] = [];
      for (const mod of pkg.modules) {
        const moduleValues = {
          position: mod.position,
          title: mod.title,
          minutes: mod.minutes,
          bodyHtml: renderMarkdown(mod.markdown, assetBase),
          quiz: mod.quiz,
          assignment: storedAssignment(mod.assignment, assetBase),
          archived: false,
          updatedAt: now,
        };
        const [row] = await tx
          .insert(modules)
          .values({ courseId, slug: mod.slug, ...moduleValues })
          .onConflictDoUpdate({ target: [modules.courseId, modules.slug], set: moduleValues })
          .returning({ id: modules.id });
        const moduleId = row!.id;
        keptIds.push(moduleId);
        await tx.delete(moduleCompetencies).where(eq(moduleCompetencies.moduleId, moduleId));
        if (mod.competencies.length > 0) {
          await tx.insert(moduleCompetencies).values(mod.competencies.map((competency) => ({ moduleId, competency })));
        }
        counts.modules++;
      }
      const archived = await tx
        .update(modules)
        .set({ archived: true, updatedAt: now })
        .where(and(eq(modules.courseId, courseId), eq(modules.archived, false), keptIds.length ? notInArray(modules.id, keptIds) : undefined))
        .returning({ id: modules.id });
      counts.archived += archived.length;
    }
    const slugs = packages.map((p) => p.slug);
    const gone = await tx
      .update(courses)
      .set({ archived: true, updatedAt: now })
      .where(and(eq(courses.archived, false), slugs.length ? notInArray(courses.slug, slugs) : undefined))
      .returning({ id: courses.id });
    if (gone.length) {
      await tx
        .update(modules)
        .set({ archived: true })
        .where(
          inArray(
            modules.courseId,
            gone.map((c) => c.id),
          ),
        );
      counts.archived += gone.length;
    }
    await bumpCatalogueVersion(tx);
    return counts;
  });
  invalidateCatalogue(db);
  return report;
}

/** The brief rendered and sanitised by the same renderer as the module body (its images too). */
function storedAssignment(assignment: AssignmentPackage | null, assetBase: string): Assignment | null {
  if (!assignment) return null;
  const { brief, ...rest } = assignment;
  return { ...rest, briefHtml: renderMarkdown(brief, assetBase) };
}

/** Reads, validates and syncs the packages under `root`. Throws CoursePackageError on any problem. */
export async function loadCourses(db: Db, root: string): Promise<LoadReport> {
  return syncCourses(db, readCoursePackages(root));
}
