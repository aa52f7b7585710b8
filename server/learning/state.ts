import type { Db } from '../db/client.ts';
import type { CatalogueCourse } from '../courses/catalogue.ts';
import { courseProgress, type CourseProgress } from './progress.ts';
import { findEnrolment, progressByModule } from './queries.ts';

export interface LearnerCourseState {
  enrolled: boolean;
  completedAt: number | null;
  progress: CourseProgress;
}

/** What a page needs to know about one teacher in one course (visitors get the empty state). */
export function learnerCourseState(db: Db, userId: number | undefined, course: CatalogueCourse): LearnerCourseState {
  if (userId === undefined) return { enrolled: false, completedAt: null, progress: courseProgress(course, new Map()) };
  const enrolment = findEnrolment(db, userId, course.id);
  const rows = enrolment
    ? progressByModule(
        db,
        userId,
        course.modules.map((m) => m.id),
      )
    : new Map();
  return {
    enrolled: enrolment?.status === 'active',
    completedAt: enrolment?.completedAt ?? null,
    progress: courseProgress(course, rows),
  };
}
