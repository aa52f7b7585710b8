import type { Assignment } from '../db/schema.ts';
import { formText } from '../http/validation.ts';

export const MAX_FEEDBACK = 5000;

/** The radio group's field name for a criterion (criterion ids are short lowercase ids). */
export const fieldOf = (criterionId: string) => `c-${criterionId}`;

export interface ScoredForm {
  /** criterion id -> points of the chosen level (only the valid ones). */
  scores: Record<string, number>;
  /** The total of the valid scores; complete when every criterion has one. */
  total: number;
  complete: boolean;
  passed: boolean;
  feedback: string;
  /** field -> { key, params } for the page to show beside the field. */
  errors: Record<string, { key: string; params?: Record<string, string | number> }>;
}

/**
 * Reads the rubric form: every criterion needs the points of one of its own levels. A missing
 * choice and a score outside the rubric are both errors naming the criterion; feedback is required
 * below the threshold, because the teacher must learn what to change.
 */
export function scoreForm(rubric: Assignment['rubric'], body: Record<string, unknown>): ScoredForm {
  const errors: ScoredForm['errors'] = {};
  const scores: Record<string, number> = {};
  for (const c of rubric.criteria) {
    const raw = formText(body[fieldOf(c.id)]).trim();
    if (raw === '') {
      errors[fieldOf(c.id)] = { key: 'reviews:errors.levelMissing', params: { criterion: c.title } };
      continue;
    }
    const points = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!c.levels.some((l) => l.points === points)) {
      errors[fieldOf(c.id)] = { key: 'reviews:errors.levelOutside', params: { criterion: c.title, value: raw.slice(0, 20) } };
      continue;
    }
    scores[c.id] = points;
  }
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  const complete = Object.keys(scores).length === rubric.criteria.length;
  const passed = complete && total >= rubric.threshold;
  const feedback = formText(body.feedback).trim();
  if (feedback.length > MAX_FEEDBACK) errors.feedback = { key: 'reviews:errors.feedbackTooLong', params: { max: MAX_FEEDBACK } };
  else if (complete && !passed && feedback === '') errors.feedback = { key: 'reviews:errors.feedbackRequired' };
  return { scores, total, complete, passed, feedback, errors };
}
