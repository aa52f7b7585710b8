import { z } from 'zod';
import { isCompetencyCode } from '../framework/ict-cft.ts';

/** Field name -> full translation key (`recognition:errors.<field>`, or files:… for an upload), one message per field stating its rule. */
export type RecognitionErrors = Record<string, string>;

// A form posts one text per field; a repeated field (an array) or an object is bad input, not a 500.
const text = (min: number, max: number) => z.string().trim().min(min).max(max);

/** Competency checkboxes: one value or several; every value must be one of the 18 codes. */
const competencyList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().refine(isCompetencyCode)).min(1))
  .transform((codes) => [...new Set(codes)].sort(byFrameworkOrder));

const LEVEL_ORDER = ['KA', 'KD', 'KC'];
/** KA.1…KA.6, KD.1…, KC.1…: the order the framework and the form list them in. */
export function byFrameworkOrder(a: string, b: string): number {
  return LEVEL_ORDER.indexOf(a.slice(0, 2)) - LEVEL_ORDER.indexOf(b.slice(0, 2)) || a.localeCompare(b);
}

/** The latest calendar date anywhere on earth now (UTC+14): a date "today" for someone is never refused as future. */
export function latestToday(now: number): string {
  return new Date(now + 14 * 3600 * 1000).toISOString().slice(0, 10);
}

const isoDate = z.iso.date().refine((d) => !Number.isNaN(Date.parse(d)));

/** http(s) only: a javascript: or data: link must never become a reviewer's click. */
const webLink = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  });

export function requestSchema(now: number) {
  return z.object({
    provider: text(2, 200),
    title: text(3, 200),
    // Decimals with a dot or a comma (Russian writes 1,5); stored as whole minutes.
    hours: z
      .string()
      .trim()
      .regex(/^\d{1,4}([.,]\d{1,2})?$/)
      .transform((v) => Number(v.replace(',', '.')))
      .pipe(z.number().min(0.5).max(1000)),
    completedOn: isoDate.refine((d) => d >= '1970-01-01' && d <= latestToday(now)),
    url: z.union([z.literal(''), webLink]).optional(),
    competencies: competencyList,
  });
}
export type RequestInput = z.output<ReturnType<typeof requestSchema>>;

export const decisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), competencies: competencyList }),
  z.object({ decision: z.literal('reject'), reason: text(3, 2000) }),
]);
export type DecisionInput = z.output<typeof decisionSchema>;

/** The first issue per field, as the field's message key. */
export function recognitionErrors(error: z.ZodError): RecognitionErrors {
  const out: RecognitionErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'decision');
    out[field] ??= `recognition:errors.${field}`;
  }
  return out;
}

/** Positive integer ids from the URL; anything else is a page that does not exist. */
export const idParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
