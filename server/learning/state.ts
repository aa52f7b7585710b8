import type { DbOrTx } from '../db/client.ts';
import { type CertificateRow, findCurrentCertificate } from '../certificates/queries.ts';
import type { CatalogueCourse } from '../courses/catalogue.ts';
import { courseProgress, type CourseProgress } from './progress.ts';
import { findEnrolment, type ProgressRow, progressByModule } from './queries.ts';

/** What views/learning/_certificate-actions.ejs needs of a certificate. */
export type CourseCertificate = Pick<CertificateRow, 'code' | 'courseTitle' | 'issuerName' | 'issuedAt' | 'revokedAt'>;

export interface LearnerCourseState {
  enrolled: boolean;
  completedAt: number | null;
  progress: CourseProgress;
  /** The current certificate of a completed course; null before, or while it waits for a verified address. */
  certificate: CourseCertificate | null;
}

/** What a page needs to know about one teacher in one course (visitors get the empty state). */
export async function learnerCourseState(db: DbOrTx, userId: number | undefined, course: CatalogueCourse): Promise<LearnerCourseState> {
  if (userId === undefined) return { enrolled: false, completedAt: null, progress: courseProgress(course, new Map()), certificate: null };
  const enrolment = await findEnrolment(db, userId, course.id);
  const rows = enrolment
    ? await progressByModule(
        db,
        userId,
        course.modules.map((m) => m.id),
      )
    : new Map<number, ProgressRow>();
  const enrolled = enrolment?.status === 'active';
  const progress = courseProgress(course, rows);
  // Only a finished course has one, so the look-up costs nothing on the way there.
  const row = enrolled && progress.complete && course.certificate ? await findCurrentCertificate(db, userId, course.id) : undefined;
  return {
    enrolled,
    completedAt: enrolment?.completedAt ?? null,
    progress,
    certificate: row ? { code: row.code, courseTitle: row.courseTitle, issuerName: row.issuerName, issuedAt: row.issuedAt, revokedAt: row.revokedAt } : null,
  };
}
