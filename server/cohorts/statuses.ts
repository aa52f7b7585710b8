// The one vocabulary of progress statuses: the cohort matrix, its summary and legend, the
// per-learner page and the exports all take their words (locales cohorts:status.*), colours
// (static/css/site.css, .status-<key>) and icons (views/cohorts/_status.ejs) from here.

/** A learner's state in one module (a cell of the matrix). */
export const CELL_STATUSES = ['not_started', 'in_progress', 'completed', 'quiz_failed'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/**
 * A learner's state in the cohort as a whole; exactly one applies, in this order of precedence:
 * awaiting review (work handed in for one of the cohort's modules waits for a trainer), done
 * (every module completed), overdue (their own due date, extension included, has passed), not
 * started (no progress at all), in progress (anything else).
 * Waiting for review comes first because the next move is the trainer's: the learner is not
 * chased as overdue for work they have handed in, and a learner who finished every module with
 * work still unassessed shows where the trainer is needed. Each learner counts once, so the
 * summary's counts add up to the members.
 */
export const LEARNER_STATUSES = ['not_started', 'in_progress', 'done', 'overdue', 'awaiting_review'] as const;
export type LearnerStatus = (typeof LEARNER_STATUSES)[number];

export type AnyStatus = CellStatus | LearnerStatus;

/** Statuses explained by the legend above the matrix, in reading order. */
export const LEGEND: AnyStatus[] = ['not_started', 'in_progress', 'completed', 'quiz_failed', 'overdue', 'awaiting_review'];
