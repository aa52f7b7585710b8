import { z } from 'zod';
import { emailField } from '../auth/schemas.ts';

// Messages are translation keys in locales/*/common.json (validation.*); views translate them per field.
const trimmed = (max: number) => z.string().trim().max(max, { message: 'validation.tooLong' });

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'validation.date' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: 'validation.date' });

/** A checkbox group arrives as undefined (none ticked), a string (one) or an array (several). */
const checkboxIds = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.coerce.number().int().positive({ message: 'validation.courses' })).min(1, { message: 'validation.courses' }),
);

export const cohortSchema = z
  .object({
    name: trimmed(120).min(1, { message: 'validation.required' }),
    courses: checkboxIds,
    startDate: isoDate,
    dueDate: z.union([z.literal('').transform(() => null), isoDate]).default(null),
    description: trimmed(2000).default(''),
  })
  .refine((c) => !c.dueDate || c.dueDate >= c.startDate, { message: 'validation.dueBeforeStart', path: ['dueDate'] });
export type CohortInput = z.output<typeof cohortSchema>;

export const trainerSchema = z.object({ email: emailField });

export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const importAction = z.object({
  action: z.enum(['preview', 'confirm']).catch('preview').default('preview'),
  // Two csv fields (or an object) are no list at all: the form then says nothing was given.
  csv: z.string().catch('').default(''),
});

export const moveSchema = z.object({ to: idParam });

/** Optional "1,2,3" list of user ids that narrows a sign-in link batch to the accounts just created. */
export const linkBatchSchema = z.object({
  users: z
    .string()
    .max(200_000)
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => Number(x.trim()))
        .filter((n) => Number.isInteger(n) && n > 0),
    ),
});

/**
 * Learners ticked in a bulk form: `users` may come once or many times, each a single id or a
 * comma-separated list (the "select all on this page" box carries the page's ids as one value, so
 * it works without JavaScript). Anything that is not an id is dropped; an empty result is refused.
 */
export const selectedUsers = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.string().max(200_000).catch(''))
    .max(10_000)
    .catch([])
    .transform((values) => [
      ...new Set(
        values
          .flatMap((s) => s.split(','))
          .map((x) => Number(x.trim()))
          .filter((n) => Number.isSafeInteger(n) && n > 0),
      ),
    ])
    .refine((ids) => ids.length > 0, { message: 'validation.noneSelected' }),
);
export const bulkSchema = z.object({ users: selectedUsers });

/** An extension: a date, or empty to go back to the cohort's due date. */
export const extensionSchema = z.object({ dueDate: z.union([z.literal('').transform(() => null), isoDate]).default(null) });
export const bulkExtensionSchema = z.object({ users: selectedUsers, dueDate: z.union([z.literal('').transform(() => null), isoDate]).default(null) });
export const bulkMoveSchema = z.object({ users: selectedUsers, to: idParam });

export const SORTS = ['name', 'progress', 'activity'] as const;
/** The learner statuses of the summary (see statuses.ts), plus "failed a quiz" in any module. */
export const STATUS_FILTERS = ['not_started', 'in_progress', 'done', 'overdue', 'awaiting_review', 'quiz_failed'] as const;
export type Sort = (typeof SORTS)[number];
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Dashboard and export query: anything unknown falls back to a default instead of failing. */
export const dashboardQuery = z.object({
  sort: z.enum(SORTS).catch('name').default('name'),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
  // "completed" was the name of "done" in links made before the summary existed.
  status: z.preprocess((v) => (v === 'completed' ? 'done' : v), z.enum(STATUS_FILTERS).optional().catch(undefined)),
  school: z.string().trim().max(200).catch('').default(''),
  q: z.string().trim().max(200).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type DashboardQuery = z.output<typeof dashboardQuery>;

export const membersQuery = z.object({
  q: z.string().trim().max(200).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
