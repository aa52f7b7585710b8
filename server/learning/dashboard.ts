import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { assignmentNotices } from '../assignments/notices.ts';
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

/** The dashboard in a handful of queries: enrolments, all progress rows, evidence, certificates, cohorts, due dates, assessed work. */
export async function dashboardLocals({ db }: Deps, res: Response) {
  const user = signedInUser(res);
  const [catalogue, enrolments] = await Promise.all([getCatalogue(db), dashboardEnrolments(db, user.id)]);
  const enrolled = enrolments.flatMap((e) => {
    const course = catalogue.courseById(e.courseId);
    return course ? [{ course, enrolment: e }] : [];
  });
  // The rest does not depend on each other: asked at once (on PostgreSQL, on several connections).
  const [rows, dues, evidence, everEnrolled, certificates, cohorts, invitations, notices] = await Promise.all([
    progressByModule(
      db,
      user.id,
      enrolled.flatMap(({ course }) => course.modules.map((m) => m.id)),
    ),
    dueDatesOf(db, user.id),
    evidenceOfUser(db, user.id),
    coursesEverEnrolled(db, user.id),
    certificatesOfUser(db, user.id),
    cohortsOfMember(db, user.id),
    // An address not yet proven sees no invitation: a trainer's invitation names the person at that
    // address, who may not be the one who registered it.
    isVerified(user) ? openInvitations(db, user.id) : [],
    assignmentNotices(db, user.id),
  ]);
  const courses = enrolled.map(({ course, enrolment }) => {
    const progress = courseProgress(course, rows);
    return { course, enrolment, progress, due: dueFor(dues, course.id, progress.complete) };
  });
  const lastActive = courses.find((c) => !c.progress.complete && c.progress.next);
  // A new teacher is shown where to start; the others what would fill the gaps in their profile.
  const recommended = recommendCourses(catalogue.courses, new Set(evidence.keys()), everEnrolled, res.locals.lang).map((recommendation) =>
    courseCard(recommendation.course, { recommendation, due: dueFor(dues, recommendation.course.id, false) }),
  );
  return {
    title: res.locals.t('learning:dashboard.title'),
    courses,
    continueWith: lastActive ? { course: lastActive.course, module: lastActive.progress.next! } : null,
    recommended,
    certificates,
    cohorts,
    invitations,
    matrix: buildMatrix(res.locals.lang, evidence),
    assignmentNotices: notices,
  };
}
