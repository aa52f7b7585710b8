// Engine-neutral parts of the schema: the value lists of text columns and the shapes of JSON
// columns. The SQLite tables (beside this file) and their PostgreSQL mirror (pg/) both take them
// from here, so the two cannot drift apart.

export const ROLES = ['teacher', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_PURPOSES = ['setup', 'signin', 'reset', 'verify'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export const MEMBER_STATUSES = ['invited', 'active', 'declined'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

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
export interface Quiz {
  passMark: number;
  maxAttempts: number | null;
  questions: QuizQuestion[];
}
