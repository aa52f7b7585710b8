import type { Db } from '../db/client.ts';
import { type SubmissionVersion, versionsOf } from '../assignments/queries.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { buildMatrix } from '../framework/matrix.ts';
import { evidenceOfUser } from '../learning/evidence.ts';
import { sessionsOfTeacher } from '../live-sessions/queries.ts';
import { recognitionsOfTeacher } from '../recognition/queries.ts';
import { rubricMaximum } from '../courses/package-schema.ts';

// A teacher's portfolio: everything that shows their competence in one place (the profile, assessed
// work with every version, live sessions attended, recognised learning), for the page and the ZIP.

export interface PortfolioWork {
  courseSlug: string;
  courseTitle: string;
  courseLanguage: string;
  moduleSlug: string;
  moduleTitle: string;
  assignmentTitle: string;
  maxPoints: number;
  threshold: number;
  /** Newest first. */
  versions: SubmissionVersion[];
}

export async function buildPortfolio(db: Db, userId: number, lang: string) {
  const [versions, sessions, recognised, evidence, catalogue] = await Promise.all([
    versionsOf(db, userId),
    sessionsOfTeacher(db, userId),
    recognitionsOfTeacher(db, userId),
    evidenceOfUser(db, userId),
    getCatalogue(db),
  ]);
  const byModule = new Map<number, PortfolioWork>();
  for (const v of versions) {
    const found = catalogue.moduleById(v.moduleId);
    if (!found) continue;
    let work = byModule.get(v.moduleId);
    if (!work) {
      const assignment = found.module.assignment;
      work = {
        courseSlug: found.course.slug,
        courseTitle: found.course.title,
        courseLanguage: found.course.language,
        moduleSlug: found.module.slug,
        moduleTitle: found.module.title,
        assignmentTitle: assignment?.title ?? found.module.title,
        maxPoints: assignment ? rubricMaximum(assignment.rubric.criteria) : 0,
        threshold: assignment?.rubric.threshold ?? 0,
        versions: [],
      };
      byModule.set(v.moduleId, work);
    }
    work.versions.push(v);
  }
  return { work: [...byModule.values()], sessions, recognised, matrix: buildMatrix(lang, evidence) };
}

export type Portfolio = Awaited<ReturnType<typeof buildPortfolio>>;
