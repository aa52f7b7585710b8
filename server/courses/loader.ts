import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { courses, moduleCompetencies, modules } from '../db/schema.ts';
import { invalidateCatalogue } from './catalogue.ts';
import { renderMarkdown } from './markdown.ts';
import { readCoursePackages, type CoursePackage } from './package-reader.ts';

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
export function syncCourses(db: Db, packages: CoursePackage[], now = Date.now()): LoadReport {
  const report: LoadReport = { courses: packages.length, modules: 0, archived: 0 };
  db.transaction((tx) => {
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
      const course = tx
        .insert(courses)
        .values({ slug: pkg.slug, ...courseValues })
        .onConflictDoUpdate({ target: courses.slug, set: courseValues })
        .returning({ id: courses.id })
        .get();
      const assetBase = `/courses/${pkg.slug}/assets`;
      const keptIds: number[] = [];
      for (const mod of pkg.modules) {
        const moduleValues = {
          position: mod.position,
          title: mod.title,
          minutes: mod.minutes,
          bodyHtml: renderMarkdown(mod.markdown, assetBase),
          quiz: mod.quiz,
          archived: false,
          updatedAt: now,
        };
        const row = tx
          .insert(modules)
          .values({ courseId: course.id, slug: mod.slug, ...moduleValues })
          .onConflictDoUpdate({ target: [modules.courseId, modules.slug], set: moduleValues })
          .returning({ id: modules.id })
          .get();
        keptIds.push(row.id);
        tx.delete(moduleCompetencies).where(eq(moduleCompetencies.moduleId, row.id)).run();
        tx.insert(moduleCompetencies)
          .values(mod.competencies.map((competency) => ({ moduleId: row.id, competency })))
          .run();
        report.modules++;
      }
      report.archived += tx
        .update(modules)
        .set({ archived: true, updatedAt: now })
        .where(and(eq(modules.courseId, course.id), eq(modules.archived, false), keptIds.length ? notInArray(modules.id, keptIds) : undefined))
        .run().changes;
    }
    const slugs = packages.map((p) => p.slug);
    const gone = tx
      .update(courses)
      .set({ archived: true, updatedAt: now })
      .where(and(eq(courses.archived, false), slugs.length ? notInArray(courses.slug, slugs) : undefined))
      .returning({ id: courses.id })
      .all();
    if (gone.length) {
      tx.update(modules)
        .set({ archived: true })
        .where(
          inArray(
            modules.courseId,
            gone.map((c) => c.id),
          ),
        )
        .run();
      report.archived += gone.length;
    }
  });
  invalidateCatalogue(db);
  return report;
}

/** Reads, validates and syncs the packages under `root`. Throws CoursePackageError on any problem. */
export function loadCourses(db: Db, root: string): LoadReport {
  return syncCourses(db, readCoursePackages(root));
}
