import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** zod issues as { field: translationKey }: the one shape every form view reads. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message.startsWith('validation.') ? issue.message : 'validation.invalid';
  }
  return out;
}

/** A form or JSON field as text: anything but a string (an object, an array of repeats) counts as empty. */
export function formText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Parses input with a schema: either the data or per-field error keys, never a throw. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input ?? {});
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}
