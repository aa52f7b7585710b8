import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { signedInUser } from '../auth/guards.ts';
import { certificatesOfUser } from '../certificates/issue.ts';
import { cohortsOfMember, openInvitations } from '../cohorts/queries.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { buildMatrix } from '../framework/matrix.ts';
import { evidenceOfUser } from './evidence.ts';
import { courseProgress } from './progress.ts';
import { dashboardEnrolments, progressByModule } from './queries.ts';

/** The dashboard in a handful of queries: enrolments, all progress rows, evidence, certificates, cohorts. */
export function dashboardLocals({ db }: Deps, res: Response) {
  const user = signedInUser(res);
  const catalogue = getCatalogue(db);
  const enrolled = dashboardEnrolments(db, user.id).flatMap((e) => {
    const course = catalogue.courseById(e.courseId);
    return course ? [{ course, enrolment: e }] : [];
  });
  const rows = progressByModule(
    db,
    user.id,
    enrolled.flatMap(({ course }) => course.modules.map((m) => m.id)),
  );
  const courses = enrolled.map(({ course, enrolment }) => ({ course, enrolment, progress: courseProgress(course, rows) }));
  const lastActive = courses.find((c) => !c.progress.complete && c.progress.next);
  return {
    title: res.locals.t('learning:dashboard.title'),
    courses,
    continueWith: lastActive ? { course: lastActive.course, module: lastActive.progress.next! } : null,
    certificates: certificatesOfUser(db, user.id),
    cohorts: cohortsOfMember(db, user.id),
    invitations: openInvitations(db, user.id),
    matrix: buildMatrix(res.locals.lang, evidenceOfUser(db, user.id)),
  };
}
