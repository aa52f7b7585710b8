import type { Db } from '../db/client.ts';
import { evidenceOfUser } from '../learning/evidence.ts';
import { type CourseProgress, courseProgress } from '../learning/progress.ts';
import { dashboardEnrolments, progressByModule } from '../learning/queries.ts';
import type { Catalogue, CatalogueCourse } from './catalogue.ts';
import { type CourseDue, coursesEverEnrolled, dueDatesOf } from './queries.ts';

// What the catalogue shows a signed-in teacher on top of the course content: progress in the
// courses they take, cohort due dates, and the courses that would fill gaps in their ICT-CFT profile.

export interface Due extends CourseDue {
  overdue: boolean;
}

export interface Recommendation {
  course: CatalogueCourse;
  /** The course's competencies the teacher has no evidence for, in framework order. */
  missing: string[];
}

export interface TeacherView {
  progress: Map<number, CourseProgress>;
  dues: Map<number, CourseDue>;
  /** Competency codes the teacher has evidence for. */
  held: Set<string>;
  /** Courses not to recommend: those they take, have finished or have left. */
  taken: Set<number>;
}

/** Five queries: enrolments (active, and all), their progress rows, evidence, cohort due dates. */
export async function teacherView(db: Db, catalogue: Catalogue, userId: number): Promise<TeacherView> {
  // The progress rows wait for the enrolments; the other three are asked meanwhile.
  const progress = (async () => {
    const enrolled = (await dashboardEnrolments(db, userId)).flatMap((e) => catalogue.courseById(e.courseId) ?? []);
    const rows = await progressByModule(
      db,
      userId,
      enrolled.flatMap((course) => course.modules.map((m) => m.id)),
    );
    return new Map(enrolled.map((course) => [course.id, courseProgress(course, rows)]));
  })();
  const [byCourse, dues, evidence, taken] = await Promise.all([progress, dueDatesOf(db, userId), evidenceOfUser(db, userId), coursesEverEnrolled(db, userId)]);
  return { progress: byCourse, dues, held: new Set(evidence.keys()), taken };
}

const today = () => new Date().toISOString().slice(0, 10);

/** A cohort due date for the course, overdue when it has passed and the course is not complete. */
export function dueFor(dues: Map<number, CourseDue>, courseId: number, complete: boolean): Due | null {
  const due = dues.get(courseId);
  return due ? { ...due, overdue: !complete && due.date < today() } : null;
}

/**
 * The courses that develop the most competencies the teacher has no evidence for yet, those in
 * the language they read the site in first; courses they take, have finished or have left are left out.
 */
export function recommendCourses(courses: CatalogueCourse[], held: Set<string>, taken: Set<number>, lang: string, limit = 3): Recommendation[] {
  return courses
    .filter((course) => !taken.has(course.id))
    .map((course) => ({ course, missing: course.competencies.filter((code) => !held.has(code)) }))
    .filter((r) => r.missing.length > 0)
    .sort((a, b) => Number(b.course.language === lang) - Number(a.course.language === lang) || b.missing.length - a.missing.length)
    .slice(0, limit);
}
