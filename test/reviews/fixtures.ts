import { afterEach } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import type { Db } from '../../server/db/client.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts, type SubmissionStatus, submissions } from '../../server/db/schema.ts';
import { COURSE_YAML, moduleFile, writePackages } from '../courses/fixtures.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

export const DAY = 24 * 60 * 60 * 1000;

/** Two criteria: 3 + 2 = 5 points at most, 4 to pass. */
export const ASSIGNMENT = `assignment:
  title: A lesson for a day without internet
  brief: |
    Plan a **lesson** that works offline.
  accepts: [text, link]
  rubric:
    threshold: 4
    criteria:
      - id: design
        title: Lesson design
        levels:
          - { points: 0, label: Not yet, description: No plan yet. }
          - { points: 1, label: Developing, description: A partial plan. }
          - { points: 3, label: Secure, description: A complete plan with timings. }
      - id: offline
        title: Works offline
        levels:
          - { points: 0, label: Not yet, description: Needs the internet. }
          - { points: 2, label: Secure, description: Runs without a connection. }`;

/** Course packages of the tests' own: two modules with assignments, and another course. */
export function reviewPackages(): string {
  return writePackages({
    'review-course': {
      'course.yaml': COURSE_YAML.replace('Demo course', 'Review course'),
      'modules/01-offline-lesson.md': moduleFile({ title: 'Offline lesson', competencies: '[KA.1, KD.1, KD.2]', quiz: ASSIGNMENT }),
      'modules/02-journal.md': moduleFile({ title: 'Course journal', competencies: '[KD.3]', quiz: ASSIGNMENT }),
    },
    'other-course': {
      'course.yaml': COURSE_YAML.replace('Demo course', 'Other course'),
      'modules/01-elsewhere.md': moduleFile({ title: 'Elsewhere', competencies: '[KD.4]', quiz: ASSIGNMENT }),
    },
  });
}

/** An app on the tests' packages, mail to an in-process SMTP server (unless smtp: false), a trainer and a cohort of review-course. */
export async function reviewSetup(opts: { smtp?: boolean } = {}) {
  const smtp: TestSmtp | null = opts.smtp === false ? null : await startSmtp();
  const ctx = await createTestApp({ courses: reviewPackages(), env: smtp ? { SMTP_URL: smtp.url } : {} });
  const trainer = await userAgent(ctx, { roles: ['trainer'], name: 'Tina Trainer' });
  const catalogue = await getCatalogue(ctx.db);
  const course = catalogue.course('review-course')!;
  const other = catalogue.course('other-course')!;
  const cohortId = await makeCohort(ctx.db, trainer.user.id, [course.id]);
  return { ctx, smtp, trainer, course, other, cohortId, modules: course.modules };
}

export async function makeCohort(db: Db, trainerId: number, courseIds: number[], name = 'Spring cohort'): Promise<number> {
  const [row] = await db
    .insert(cohorts)
    .values({ name, startDate: '2026-03-01', dueDate: null, createdBy: trainerId, createdAt: Date.now() })
    .returning({ id: cohorts.id });
  const cohortId = row!.id;
  for (const courseId of courseIds) await db.insert(cohortCourses).values({ cohortId, courseId });
  await db.insert(cohortTrainers).values({ cohortId, userId: trainerId });
  return cohortId;
}

export async function addLearner(db: Db, cohortId: number | null, fields: Parameters<typeof makeUser>[1] = {}, status: 'active' | 'invited' = 'active') {
  const user = await makeUser(db, fields);
  if (cohortId !== null) await db.insert(cohortMembers).values({ cohortId, userId: user.id, addedAt: Date.now(), status });
  return user;
}

/** Inserts a version of a teacher's work directly (the hand-in form is another feature's). */
export async function handIn(
  db: Db,
  fields: {
    userId: number;
    moduleId: number;
    courseId: number;
    version?: number;
    status?: SubmissionStatus;
    submittedAt?: number;
    text?: string | null;
    url?: string | null;
  },
): Promise<number> {
  const [row] = await db
    .insert(submissions)
    .values({
      userId: fields.userId,
      moduleId: fields.moduleId,
      courseId: fields.courseId,
      version: fields.version ?? 1,
      status: fields.status ?? 'waiting',
      text: fields.text === undefined ? 'My lesson plan' : fields.text,
      url: fields.url ?? null,
      submittedAt: fields.submittedAt ?? Date.now(),
    })
    .returning({ id: submissions.id });
  return row!.id;
}

/** reviewSetup for a test file: each test's SMTP server is closed after it. */
export function useReviewSetup(): typeof reviewSetup {
  let current: TestSmtp | null = null;
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return async (...args) => {
    const s = await reviewSetup(...args);
    current = s.smtp;
    return s;
  };
}
