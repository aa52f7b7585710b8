import crypto from 'node:crypto';
import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { currentUser } from '../auth/guards.ts';
import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import { findAttempt, markViewed } from './queries.ts';
import { gradeQuiz, type QuestionResult } from './quiz.ts';
import { recordStatement } from './records.ts';
import { learnerCourseState } from './state.ts';

export interface QuizFeedback {
  score: number;
  passed: boolean;
  questions: Map<string, QuestionResult>;
  submittedAt: number;
}

/** A fresh key for each quiz form rendered: the same form sent twice is one attempt (see submitQuiz). */
export function newSubmissionKey(): string {
  return crypto.randomBytes(16).toString('base64url');
}

/**
 * Everything the module page and its fragments (status box, quiz) render from. Reading writes
 * nothing: the page itself reports the first view (recordView, from a POST the page makes).
 */
export async function modulePageLocals(
  { db }: Deps,
  res: Response,
  course: CatalogueCourse,
  module: CatalogueModule,
  attemptId: number | null,
  extra: Record<string, unknown> = {},
) {
  const user = currentUser(res);
  const state = await learnerCourseState(db, user?.id, course);
  const moduleState = state.progress.modules[module.index]!;
  let feedback: QuizFeedback | null = null;
  if (user && attemptId !== null && module.quiz) {
    const attempt = await findAttempt(db, attemptId, user.id);
    const graded = attempt && attempt.moduleId === module.id ? gradeQuiz(module.quiz, attempt.answers) : null;
    if (attempt && graded) {
      feedback = { score: graded.score, passed: graded.passed, questions: new Map(graded.questions.map((q) => [q.id, q])), submittedAt: attempt.submittedAt };
    }
  }
  // The redirect after "mark complete" without JavaScript says so in the query (?done=module|course).
  const done = res.req.query.done;
  return {
    title: module.title,
    course,
    module,
    state,
    moduleState,
    previous: course.modules[module.index - 1] ?? null,
    next: course.modules[module.index + 1] ?? null,
    feedback,
    // The attempt that finished the course shows the whole completion (certificate, what next) in
    // its result, where the teacher is looking; the status box above then only says so.
    completionInResult: !!feedback?.passed && state.progress.complete && state.completedAt === feedback.submittedAt,
    justCompleted: moduleState.status === 'completed' && (done === 'module' || done === 'course'),
    // A locked module shows neither its content nor its quiz, only the way to it.
    locked: state.enrolled && moduleState.status === 'locked',
    startedAt: Date.now(),
    submissionKey: newSubmissionKey(),
    attemptsLeft: module.quiz?.maxAttempts != null ? Math.max(0, module.quiz.maxAttempts - moduleState.attempts) : null,
    ...extra,
  };
}

/**
 * An enrolled teacher's first view of a module: the progress row and an xAPI "experienced"
 * statement, once. Locked modules and courses the teacher is not in record nothing.
 */
export async function recordView({ db, config }: Deps, userId: number, course: CatalogueCourse, module: CatalogueModule): Promise<void> {
  const state = await learnerCourseState(db, userId, course);
  if (!state.enrolled || state.progress.modules[module.index]?.status !== 'not_started') return;
  const now = Date.now();
  await db.transaction(async (tx) => {
    if (await markViewed(tx, userId, module.id, now)) await recordStatement(tx, { baseUrl: config.baseUrl, userId, verb: 'experienced', course, module, now });
  });
}
