// The one vocabulary of progress statuses: the cohort matrix, its summary and legend, the
// per-learner page and the exports all take their words (locales cohorts:status.*), colours
// (static/css/site.css, .status-<key>) and icons (views/cohorts/_status.ejs) from here.

/** A learner's state in one module (a cell of the matrix). */
export const CELL_STATUSES = ['not_started', 'in_progress', 'completed', 'quiz_failed'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/**
 * A learner's state in the cohort as a whole; exactly one applies, in this order of precedence:
 * done (every module completed), overdue (their own due date, extension included, has passed),
 * not started (no progress at all), in progress (anything else).
 * `awaiting_review` is part of the vocabulary but always 0 for now: submissions do not exist yet,
 * so the summary shows it as 0 and its filter matches nobody until they do.
 */
export const LEARNER_STATUSES = ['not_started', 'in_progress', 'done', 'overdue', 'awaiting_review'] as const;
export type LearnerStatus = (typeof LEARNER_STATUSES)[number];

export type AnyStatus = CellStatus | LearnerStatus;

/** Statuses explained by the legend above the matrix, in reading order. */
export const LEGEND: AnyStatus[] = ['not_started', 'in_progress', 'completed', 'quiz_failed', 'overdue', 'awaiting_review'];
