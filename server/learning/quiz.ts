import type { Quiz, QuizQuestion } from '../db/schema.ts';
import { isUniqueViolation } from '../db/client.ts';
import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import { HttpError } from '../http/errors.ts';
import { assertCanLearn, completeModuleInTx, type CompletionResult, type LearningContext } from './completion.ts';
import { attemptHistory } from './attempt-history.ts';
import { attemptByKey, recordAttempt } from './queries.ts';
import { askedIn, attemptsLeft, currentDraw, waitParams, waitUntil } from './quiz-draw.ts';
import { recordStatement } from './records.ts';

export type Answers = Record<string, string[]>;

export interface QuestionResult {
  id: string;
  chosen: string[];
  correct: boolean;
}

/**
 * Checks answers against the questions an attempt asked: every question and option id must exist,
 * and a single-choice question takes one option. Answers to questions of the quiz that this
 * attempt did not ask are ignored (a client may answer them all), unless an asked question is left
 * unanswered at the same time: then the form was made for another draw (a tab left open from an
 * earlier attempt) and is refused rather than graded against questions the teacher never saw.
 * Unanswered questions count as wrong; the score is over the questions asked. `stored` is what
 * the attempt records: every question asked, an unanswered one with no options, so the record
 * names its questions. Returns null when the answers do not fit (the caller answers 422, storing nothing).
 */
export function gradeQuiz(
  quiz: Quiz,
  answers: Answers,
  asked: readonly QuizQuestion[] = quiz.questions,
): { score: number; passed: boolean; questions: QuestionResult[]; stored: Answers } | null {
  const byId = new Map(quiz.questions.map((q) => [q.id, q]));
  for (const [questionId, chosen] of Object.entries(answers)) {
    const question = byId.get(questionId);
    if (!question) return null;
    const optionIds = new Set(question.options.map((o) => o.id));
    if (chosen.some((id) => !optionIds.has(id))) return null;
    if (question.type === 'single' && chosen.length > 1) return null;
    if (new Set(chosen).size !== chosen.length) return null;
  }
  const askedIds = new Set(asked.map((q) => q.id));
  const answersOther = Object.keys(answers).some((id) => !askedIds.has(id));
  if (answersOther && asked.some((q) => !answers[q.id]?.length)) return null;
  if (asked.length === 0) return null;
  const questions = asked.map((q) => {
    const chosen = [...(answers[q.id] ?? [])].sort();
    const right = q.options
      .filter((o) => o.correct)
      .map((o) => o.id)
      .sort();
    return { id: q.id, chosen, correct: chosen.length === right.length && chosen.every((id, i) => id === right[i]) };
  });
  const score = Math.round((questions.filter((q) => q.correct).length / questions.length) * 100);
  const stored = Object.fromEntries(asked.map((q) => [q.id, answers[q.id] ?? []]));
  return { score, passed: score >= quiz.passMark, questions, stored };
}

/** A recorded attempt graded again (its result page, a repeated submission): over the questions it asked. */
export function gradeRecorded(quiz: Quiz, answers: Answers) {
  return gradeQuiz(quiz, answers, askedIn(quiz, answers));
}

export interface QuizSubmission {
  attemptId: number;
  score: number;
  passed: boolean;
  questions: QuestionResult[];
  completion: CompletionResult | null;
  /** True when the key had already been used: nothing was recorded, the earlier attempt answers. */
  repeated: boolean;
}

/**
 * Records an attempt; passing completes the module in the same transaction. A submission whose
 * idempotency key was seen before (a double click, a retry after the answer was lost on the way
 * back) records nothing and answers with the attempt that key recorded.
 */
export async function submitQuiz(
  ctx: LearningContext,
  input: {
    userId: number;
    course: CatalogueCourse;
    module: CatalogueModule;
    answers: Answers;
    startedAt: number | null;
    idempotencyKey?: string | null;
    now?: number;
  },
): Promise<QuizSubmission> {
  const quiz = input.module.quiz;
  if (!quiz) throw new HttpError(404);
  const key = input.idempotencyKey ?? null;
  const now = input.now ?? Date.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      await assertCanLearn(tx, input.userId, input.course, input.module);
      // A repeat first: the form's own attempt answers, even when the rules now say "wait" or "no attempts left".
      const earlier = key === null ? undefined : await attemptByKey(tx, input.userId, key);
      if (earlier) return repeatOf(quiz, input.module, earlier);
      const history = await attemptHistory(tx, input.userId, input.module.id);
      if (attemptsLeft(quiz, history) === 0) throw new HttpError(422, 'learning:quiz.noAttemptsLeft', { max: quiz.maxAttempts });
      const until = waitUntil(quiz, history, now);
      if (until !== null) throw new HttpError(422, 'learning:quiz.waitUntil', waitParams(until, now));
      // The questions this attempt showed (the same draw the page made from the same history).
      const graded = gradeQuiz(quiz, input.answers, currentDraw(quiz, input.userId, input.module.id, history));
      if (!graded) throw new HttpError(422, 'learning:quiz.invalidAnswers');
      const startedAt = input.startedAt !== null && input.startedAt <= now && input.startedAt > now - 7 * 24 * 3600 * 1000 ? input.startedAt : null;
      const attemptId = await recordAttempt(tx, {
        userId: input.userId,
        moduleId: input.module.id,
        answers: graded.stored,
        score: graded.score,
        passed: graded.passed,
        startedAt,
        idempotencyKey: key,
        now,
      });
      const base = { baseUrl: ctx.baseUrl, userId: input.userId, course: input.course, module: input.module, assessment: true, now };
      const durationMs = startedAt !== null ? now - startedAt : undefined;
      await recordStatement(tx, { ...base, verb: 'attempted', result: { score: graded.score, durationMs } });
      await recordStatement(tx, { ...base, verb: graded.passed ? 'passed' : 'failed', result: { score: graded.score, success: graded.passed, durationMs } });
      const completion = graded.passed ? await completeModuleInTx(tx, ctx, { userId: input.userId, course: input.course, module: input.module, now }) : null;
      return { attemptId, score: graded.score, passed: graded.passed, questions: graded.questions, completion, repeated: false };
    });
  } catch (err) {
    // Another connection recorded the same key between the look-up and the insert (the unique
    // index refused ours): that attempt is the answer.
    const earlier = key !== null && isUniqueViolation(err) ? await attemptByKey(ctx.db, input.userId, key) : undefined;
    if (!earlier) throw err;
    return repeatOf(quiz, input.module, earlier);
  }
}

function repeatOf(quiz: Quiz, module: CatalogueModule, earlier: NonNullable<Awaited<ReturnType<typeof attemptByKey>>>): QuizSubmission {
  // A key belongs to one form, so one module: another module's key is not a repeat but a forgery.
  if (earlier.moduleId !== module.id) throw new HttpError(422, 'learning:quiz.invalidAnswers');
  const graded = gradeRecorded(quiz, earlier.answers);
  return { attemptId: earlier.id, score: earlier.score, passed: earlier.passed, questions: graded?.questions ?? [], completion: null, repeated: true };
}
