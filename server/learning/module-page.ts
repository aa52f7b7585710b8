import crypto from 'node:crypto';
import type { Response } from 'express';
import type { Deps } from '../app.ts';
import { assignmentSection } from '../assignments/section.ts';
import { currentUser } from '../auth/guards.ts';
import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import type { QuizOption, QuizQuestion } from '../db/schema.ts';
import { attemptHistory, NO_ATTEMPTS } from './attempt-history.ts';
import { findAttempt, markViewed } from './queries.ts';
import { gradeRecorded } from './quiz.ts';
import { attemptsLeft, currentDraw, showsExplanations, waitParams, waitUntil } from './quiz-draw.ts';
import { recordStatement } from './records.ts';
import { learnerCourseState } from './state.ts';

/** One question of a recorded attempt as its result shows it: what was chosen and whether it was right. */
export interface ReviewedQuestion {
  question: QuizQuestion;
  chosen: QuizOption[];
  correct: boolean;
}

export interface QuizFeedback {
  score: number;
  passed: boolean;
  review: ReviewedQuestion[];
  /** Whether the explanations show (the module's `explanations` rule, see showsExplanations). */
  explanations: boolean;
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
  { db, config }: Deps,
  res: Response,
  course: CatalogueCourse,
  module: CatalogueModule,
  attemptId: number | null,
  extra: Record<string, unknown> = {},
) {
  const user = currentUser(res);
  const state = await learnerCourseState(db, user?.id, course);
  const moduleState = state.progress.modules[module.index]!;
  const quiz = module.quiz;
  // Only an enrolled teacher has attempts, a draw of their own and rules that apply to them.
  const history = user && quiz && state.enrolled ? await attemptHistory(db, user.id, module.id) : NO_ATTEMPTS;
  let feedback: QuizFeedback | null = null;
  if (user && attemptId !== null && quiz) {
    const attempt = await findAttempt(db, attemptId, user.id);
    const graded = attempt && attempt.moduleId === module.id ? gradeRecorded(quiz, attempt.answers) : null;
    if (attempt && graded) {
      const byId = new Map(quiz.questions.map((q) => [q.id, q]));
      const review = graded.questions.map((r) => {
        const question = byId.get(r.id)!;
        return { question, chosen: question.options.filter((o) => r.chosen.includes(o.id)), correct: r.correct };
      });
      const explanations = showsExplanations(quiz, graded.passed, history);
      feedback = { score: graded.score, passed: graded.passed, review, explanations, submittedAt: attempt.submittedAt };
    }
  }
  const now = Date.now();
  const until = quiz && state.enrolled ? waitUntil(quiz, history, now) : null;
  // The redirect after "mark complete" without JavaScript says so in the query (?done=module|course).
  const done = res.req.query.done;
  const locked = state.enrolled && moduleState.status === 'locked';
  // The assignment section (views/assignments/_section.ejs); a hand-in answer passes its own in `extra`.
  // The redirect after a hand-in without JavaScript names the version (?handedIn=2), which the section confirms.
  const handedIn = Number(res.req.query.handedIn);
  const assignmentView =
    'assignmentView' in extra || locked
      ? null
      : await assignmentSection(db, {
          userId: user?.id,
          module,
          enrolled: state.enrolled,
          maxUploadBytes: config.maxUploadBytes,
          handedIn: Number.isSafeInteger(handedIn) && handedIn > 0 ? handedIn : undefined,
        });
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
    locked,
    startedAt: now,
    submissionKey: newSubmissionKey(),
    attemptsLeft: quiz ? attemptsLeft(quiz, history) : null,
    // The questions of the attempt the form is for; a reader who cannot answer sees them all, in the author's order.
    asked: quiz ? (user && state.enrolled ? currentDraw(quiz, user.id, module.id, history) : quiz.questions) : [],
    wait: until === null ? null : { until, ...waitParams(until, now) },
    assignmentView,
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
