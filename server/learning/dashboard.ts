import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { signedInUser } from '../auth/guards.ts';
import { isVerified } from '../auth/verification.ts';
import { certificatesOfUser } from '../certificates/issue.ts';
import { cohortsOfMember, openInvitations } from '../cohorts/queries.ts';
import { courseCard } from '../courses/cards.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { dueFor, recommendCourses } from '../courses/personal.ts';
import { coursesEverEnrolled, dueDatesOf } from '../courses/queries.ts';
import { buildMatrix } from '../framework/matrix.ts';
import { evidenceOfUser } from './evidence.ts';
import { courseProgress } from './progress.ts';
import { dashboardEnrolments, progressByModule } from './queries.ts';

/** The dashboard in a handful of queries: enrolments, all progress rows, evidence, certificates, cohorts, due dates. */
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
  const dues = dueDatesOf(db, user.id);
  const courses = enrolled.map(({ course, enrolment }) => {
    const progress = courseProgress(course, rows);
    return { course, enrolment, progress, due: dueFor(dues, course.id, progress.complete) };
  });
  const lastActive = courses.find((c) => !c.progress.complete && c.progress.next);
  const evidence = evidenceOfUser(db, user.id);
  // A new teacher is shown where to start; the others what would fill the gaps in their profile.
  const recommended = recommendCourses(catalogue.courses, new Set(evidence.keys()), coursesEverEnrolled(db, user.id), res.locals.lang).map((recommendation) =>
    courseCard(recommendation.course, { recommendation, due: dueFor(dues, recommendation.course.id, false) }),
  );
  return {
    title: res.locals.t('learning:dashboard.title'),
    courses,
    continueWith: lastActive ? { course: lastActive.course, module: lastActive.progress.next! } : null,
    recommended,
    certificates: certificatesOfUser(db, user.id),
    cohorts: cohortsOfMember(db, user.id),
    // An address not yet proven sees no invitation: a trainer's invitation names the person at that
    // address, who may not be the one who registered it.
    invitations: isVerified(user) ? openInvitations(db, user.id) : [],
    matrix: buildMatrix(res.locals.lang, evidence),
  };
}
