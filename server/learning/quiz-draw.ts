import crypto from 'node:crypto';
import type { Quiz, QuizQuestion } from '../db/schema.ts';
import type { AttemptHistory } from './attempt-history.ts';

const MINUTE = 60 * 1000;

/**
 * The seed of one attempt: the same teacher, module and attempt number give the same questions in
 * the same order (a reload or a resubmission shows what was shown before, and grading checks the
 * answers against exactly those), the next attempt a different draw. Nothing is stored: the number
 * of attempts already made names the attempt. The seed is not secret (the questions of a course
 * package are public anyway); it only has to be stable and differ from one attempt to the next.
 */
export function attemptSeed(userId: number, moduleId: number, attempt: number): Buffer {
  return crypto.createHash('sha256').update(`quiz-draw\n${userId}\n${moduleId}\n${attempt}`).digest();
}

/** Random integers below n from a seed: SHA-256 in counter mode, four bytes at a time. */
function randomBelow(seed: Buffer): (n: number) => number {
  let block = Buffer.alloc(0);
  let offset = 0;
  let counter = 0;
  return (n) => {
    if (offset + 4 > block.length) {
      block = crypto.createHash('sha256').update(seed).update(String(counter++)).digest();
      offset = 0;
    }
    const value = block.readUInt32BE(offset);
    offset += 4;
    return Math.floor((value / 2 ** 32) * n);
  };
}

/** Fisher-Yates with the seeded numbers: a new array, the input untouched. */
function shuffled<T>(items: readonly T[], below: (n: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The questions one attempt asks, in the order it asks them, each with its options in the order shown. */
export function drawQuestions(quiz: Quiz, seed: Buffer): QuizQuestion[] {
  const below = randomBelow(seed);
  const total = quiz.questions.length;
  const count = Math.min(Math.max(quiz.draw, 1), total);
  let asked = quiz.questions;
  if (count < total || quiz.shuffleQuestions) {
    const picked = shuffled(quiz.questions, below).slice(0, count);
    // Drawn but not shuffled: the drawn questions keep the author's order.
    asked = quiz.shuffleQuestions ? picked : quiz.questions.filter((q) => picked.includes(q));
  }
  return quiz.shuffleOptions ? asked.map((q) => ({ ...q, options: shuffled(q.options, below) })) : asked;
}

/** The questions of the attempt a teacher is on now (attempt number history.count + 1). */
export function currentDraw(quiz: Quiz, userId: number, moduleId: number, history: AttemptHistory): QuizQuestion[] {
  return drawQuestions(quiz, attemptSeed(userId, moduleId, history.count + 1));
}

/**
 * The questions a recorded attempt asked: its stored answers name every one of them (unanswered
 * ones with no options, see gradeQuiz), in the author's order. Attempts recorded before drawing
 * existed left unanswered questions out; a quiz that asks all its questions asks them all anyway.
 */
export function askedIn(quiz: Quiz, answers: Record<string, string[]>): QuizQuestion[] {
  if (quiz.draw >= quiz.questions.length) return quiz.questions;
  return quiz.questions.filter((q) => Object.hasOwn(answers, q.id));
}

/** When the next attempt may start (ms), or null when it may start now. */
export function waitUntil(quiz: Quiz, history: AttemptHistory, now: number): number | null {
  if (quiz.waitMinutes <= 0 || !history.last || history.last.passed || history.failures < quiz.waitAfterFailures) return null;
  const until = history.last.submittedAt + quiz.waitMinutes * MINUTE;
  return until > now ? until : null;
}

/**
 * The parameters of learning:quiz.waitUntil: the time (HH:MM, UTC like every date shown) and the
 * minutes left, both rounded up, so a teacher who comes back then is never refused again.
 */
export function waitParams(until: number, now: number): { time: string; count: number } {
  const time = new Date(Math.ceil(until / MINUTE) * MINUTE).toISOString().slice(11, 16);
  return { time, count: Math.max(1, Math.ceil((until - now) / MINUTE)) };
}

/** Attempts left under the limit; null when there is none. */
export function attemptsLeft(quiz: Quiz, history: AttemptHistory): number | null {
  return quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - history.count);
}

/**
 * Whether a result shows the explanations (which give the answers away): `always`, `never`, or
 * `after_pass`: once this attempt, or an earlier one, passed.
 */
export function showsExplanations(quiz: Quiz, attemptPassed: boolean, history: AttemptHistory): boolean {
  if (quiz.explanations === 'always') return true;
  return quiz.explanations === 'after_pass' && (attemptPassed || history.passes > 0);
}
