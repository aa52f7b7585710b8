import { z } from 'zod';

/** Quiz form fields arrive as q.<questionId> = optionId (repeated for multiple choice). */
export function answersFromForm(body: Record<string, unknown> | undefined): Record<string, string[]> | null {
  const answers: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    if (!key.startsWith('q.')) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.length > 20 || values.some((v) => typeof v !== 'string' || v.length > 20)) return null;
    answers[key.slice(2)] = values as string[];
  }
  return answers;
}

export const startedAtField = z.coerce.number().int().positive().optional().catch(undefined);

/** The random key a quiz form carries (see newSubmissionKey); anything else counts as no key. */
export const idempotencyKeyField = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/)
  .optional()
  .catch(undefined);

export const recordsRange = z
  .object({
    from: z.iso.date({ message: 'validation.date' }),
    to: z.iso.date({ message: 'validation.date' }),
  })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'validation.dueBeforeStart' });
