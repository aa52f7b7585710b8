import { z } from 'zod';
import { MAX_DAYS, MIN_DAYS } from './rules.ts';

// The rules form. A checkbox arrives as "on" or not at all; anything else (a repeated field, an
// object) is refused rather than guessed. Error messages are keys in locales/*/reminders.json.

const checkbox = z
  .enum(['', 'on', '1', 'true'], { error: 'errors.checkbox' })
  .default('')
  .transform((v) => v !== '');

const days = z.preprocess(
  (v) => (v === undefined || v === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: 'errors.days' })
    .regex(/^\d{1,3}$/, { error: 'errors.days' })
    .transform(Number)
    .pipe(z.number().int().min(MIN_DAYS, { error: 'errors.days' }).max(MAX_DAYS, { error: 'errors.days' }))
    .optional(),
);

export const rulesSchema = z.object({
  not_started: checkbox,
  not_started_days: days,
  behind: checkbox,
  due_soon: checkbox,
  overdue: checkbox,
  digest: checkbox,
});
export type RulesInput = z.output<typeof rulesSchema>;

export const logQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});

/** The unsubscribe token in a link: base64url, the length we make (22) with some room; anything else is unknown. */
export const tokenParam = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export const remindBackSchema = z.object({ back: z.literal('learner').optional().catch(undefined) });

/** zod issues as { field: key in reminders.json }. */
export function ruleErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message.startsWith('errors.') ? issue.message : 'errors.checkbox';
  }
  return out;
}
