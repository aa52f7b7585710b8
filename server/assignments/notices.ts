import { getCatalogue } from '../courses/catalogue.ts';
import type { Db } from '../db/client.ts';
import { recentAssessments } from './queries.ts';

const DAY = 24 * 3600 * 1000;
/** How long an assessment stays on the dashboard, and how many show at most. */
export const NOTICE_DAYS = 14;
export const MAX_NOTICES = 5;

export interface AssignmentNotice {
  moduleTitle: string;
  courseTitle: string;
  href: string;
  passed: boolean;
  version: number;
  assessedAt: number;
}

/**
 * The teacher's work assessed in the last NOTICE_DAYS days, newest first (at most MAX_NOTICES),
 * for views/assignments/_dashboard-notices.ejs. Nothing is stored about having read them: a notice
 * simply ages out. Work for a module no longer in the catalogue is left out (no page to read it on).
 */
export async function assignmentNotices(db: Db, userId: number, now = Date.now()): Promise<AssignmentNotice[]> {
  const [rows, catalogue] = await Promise.all([recentAssessments(db, userId, now - NOTICE_DAYS * DAY, MAX_NOTICES), getCatalogue(db)]);
  const out: AssignmentNotice[] = [];
  for (const row of rows) {
    const found = catalogue.moduleById(row.moduleId);
    if (!found) continue;
    out.push({
      moduleTitle: found.module.title,
      courseTitle: found.course.title,
      href: `/courses/${found.course.slug}/${found.module.slug}#assignment`,
      passed: row.passed,
      version: row.version,
      assessedAt: row.assessedAt,
    });
  }
  return out;
}
