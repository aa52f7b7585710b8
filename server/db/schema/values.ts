// Engine-neutral parts of the schema: the value lists of text columns and the shapes of JSON
// columns. The SQLite tables (beside this file) and their PostgreSQL mirror (pg/) both take them
// from here, so the two cannot drift apart.

export const ROLES = ['teacher', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_PURPOSES = ['setup', 'signin', 'reset', 'verify'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export const MEMBER_STATUSES = ['invited', 'active', 'declined'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** The levels of the organisation registry, top down. */
export const ORGANISATION_KINDS = ['country', 'region', 'school'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** The reminder rules a trainer can switch on per cohort ('digest' is the weekly message to its trainers). */
export const REMINDER_RULES = ['not_started', 'behind', 'due_soon', 'overdue', 'digest'] as const;
export type ReminderRule = (typeof REMINDER_RULES)[number];
/** What a reminder_sends row records: a rule's message, or one a trainer sent by hand. */
export const REMINDER_KINDS = [...REMINDER_RULES, 'manual'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/** pending: claimed, not yet handed to SMTP (a crash leaves it so: never sent twice); sent; failed. */
export const REMINDER_SEND_STATUSES = ['pending', 'sent', 'failed'] as const;
export type ReminderSendStatus = (typeof REMINDER_SEND_STATUSES)[number];
/** Why a reminder went out, kept with it so the sent log can say so in the reader's language. */
export interface ReminderDetail {
  dueDate?: string | null;
  daysLeft?: number;
  completed?: number;
  total?: number;
  /** Digest: how many learners were behind / overdue / not started. */
  counts?: Record<string, number>;
  note?: string;
}

/** The languages an account can choose (users.language). */
export const USER_LANGUAGES = ['en', 'ru'] as const;
export const ENROLMENT_STATUSES = ['active', 'withdrawn'] as const;
export const PROGRESS_STATUSES = ['in_progress', 'completed'] as const;

export interface QuizOption {
  id: string;
  text: string;
  correct: boolean;
}
export interface QuizQuestion {
  id: string;
  type: 'single' | 'multiple';
  prompt: string;
  options: QuizOption[];
  explanation: string;
}
/** A module's quiz as stored (modules.quiz, JSON): the package reader fills every default in. */
export interface Quiz {
  passMark: number;
  maxAttempts: number | null;
  /** Minutes to wait after a failed attempt, once the teacher has failed waitAfterFailures times (0: never). */
  waitMinutes: number;
  waitAfterFailures: number;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  /** How many of the questions each attempt asks (all of them when equal to questions.length). */
  draw: number;
  /** When a result shows the questions' explanations. */
  explanations: 'after_pass' | 'always' | 'never';
  questions: QuizQuestion[];
}

/**
 * What a competency_evidence row shows: knowledge checked by a quiz, an artefact a trainer judged
 * against a rubric, a live session a trainer recorded as attended, or outside learning a trainer
 * approved. Which kinds demonstrate a competency at each level is decided in one place
 * (server/evidence/rule.ts).
 */
export const EVIDENCE_KINDS = ['quiz', 'assessed', 'participation', 'recognised'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * place_counts' counters besides `teachers`: per competency (ICT-CFT order, "ka1" for KA.1) the
 * teachers who demonstrated it (d_ka1) and those whose knowledge was only checked (c_ka1); per
 * level those who demonstrated all six of its competencies (all_ka).
 */
export const PLACE_COUNT_LEVELS = ['ka', 'kd', 'kc'] as const;
const competencyKeys = PLACE_COUNT_LEVELS.flatMap((level) => [1, 2, 3, 4, 5, 6].map((n) => `${level}${n}`));
export const PLACE_COUNTERS = [...competencyKeys.map((k) => `d_${k}`), ...competencyKeys.map((k) => `c_${k}`), ...PLACE_COUNT_LEVELS.map((l) => `all_${l}`)];

/** How a teacher may hand in an assignment's artefact. */
export const ARTEFACT_KINDS = ['text', 'file', 'link'] as const;
export type ArtefactKind = (typeof ARTEFACT_KINDS)[number];

export interface RubricLevel {
  points: number;
  label: string;
  description: string;
}
export interface RubricCriterion {
  id: string;
  title: string;
  /** From fewest points to most. */
  levels: RubricLevel[];
}
/** A module's assignment as stored (modules.assignment, JSON), defaults filled in by the package reader. */
export interface Assignment {
  title: string;
  /** Rendered and sanitised Markdown. */
  briefHtml: string;
  accepts: ArtefactKind[];
  /** The competencies a passing assessment evidences (kind 'assessed'). */
  competencies: string[];
  rubric: { threshold: number; criteria: RubricCriterion[] };
}

/** waiting: for a trainer; passed: assessed at or above the threshold; needs_work: assessed below it. */
export const SUBMISSION_STATUSES = ['waiting', 'passed', 'needs_work'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const LIVE_SESSION_KINDS = ['webinar', 'seminar', 'workshop'] as const;
export type LiveSessionKind = (typeof LIVE_SESSION_KINDS)[number];

export const RECOGNITION_STATUSES = ['waiting', 'approved', 'rejected'] as const;
export type RecognitionStatus = (typeof RECOGNITION_STATUSES)[number];
