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
}

/**
 * Everything the module page and its fragments (status box, quiz) render from. An enrolled
 * teacher's first visit records the view; later visits write nothing.
 */
export function modulePageLocals(
  { db, config }: Deps,
  res: Response,
  course: CatalogueCourse,
  module: CatalogueModule,
  attemptId: number | null,
  extra: Record<string, unknown> = {},
) {
  const user = currentUser(res);
  let state = learnerCourseState(db, user?.id, course);
  let moduleState = state.progress.modules[module.index]!;
  if (user && state.enrolled && moduleState.status === 'not_started') {
    const now = Date.now();
    const first = db.transaction((tx) => {
      const created = markViewed(tx, user.id, module.id, now);
      if (created) recordStatement(tx, { baseUrl: config.baseUrl, userId: user.id, verb: 'experienced', course, module, now });
      return created;
    });
    if (first) {
      state = learnerCourseState(db, user.id, course);
      moduleState = state.progress.modules[module.index]!;
    }
  }
  let feedback: QuizFeedback | null = null;
  if (user && attemptId !== null && module.quiz) {
    const attempt = findAttempt(db, attemptId, user.id);
    const graded = attempt && attempt.moduleId === module.id ? gradeQuiz(module.quiz, attempt.answers) : null;
    if (graded) feedback = { score: graded.score, passed: graded.passed, questions: new Map(graded.questions.map((q) => [q.id, q])) };
  }
  return {
    title: module.title,
    course,
    module,
    state,
    moduleState,
    previous: course.modules[module.index - 1] ?? null,
    next: course.modules[module.index + 1] ?? null,
    feedback,
    startedAt: Date.now(),
    attemptsLeft: module.quiz?.maxAttempts != null ? Math.max(0, module.quiz.maxAttempts - moduleState.attempts) : null,
    certificateCode: null as string | null,
    ...extra,
  };
}
