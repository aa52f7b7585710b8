import { z } from 'zod';
import { LIVE_SESSION_KINDS } from '../db/schema/values.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { localStart } from './times.ts';

// Messages are keys in locales/*/sessions.json (errors.*): the views name the field with each.

const CODES = new Set<string>(COMPETENCIES.map((c) => c.code));
const text = z.string().catch('');
/** A checkbox group: missing (none ticked), one value, or several; anything else is no value. */
const ticked = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()).catch([]));

export const sessionSchema = z
  .object({
    kind: z.enum(LIVE_SESSION_KINDS, { message: 'errors.kind' }),
    title: text.pipe(z.string().trim().min(3, { message: 'errors.titleShort' }).max(200, { message: 'errors.titleLong' })),
    date: text.pipe(z.string().trim().min(1, { message: 'errors.dateRequired' })),
    time: text.pipe(z.string().trim().min(1, { message: 'errors.timeRequired' })),
    minutes: text.pipe(
      z
        .string()
        .trim()
        .regex(/^\d{1,4}$/, { message: 'errors.minutes' })
        .transform(Number)
        .pipe(z.number().int().min(10, { message: 'errors.minutes' }).max(600, { message: 'errors.minutes' })),
    ),
    competencies: ticked.pipe(
      z
        .array(z.string())
        .min(1, { message: 'errors.competencies' })
        .refine((codes) => codes.every((c) => CODES.has(c)), { message: 'errors.competencies' })
        // Kept in the framework's order, once each, whatever order the form sent.
        .transform((codes) => COMPETENCIES.map((c) => c.code as string).filter((c) => codes.includes(c))),
    ),
  })
  .transform((v, ctx) => {
    const startsAt = localStart(v.date, v.time);
    if (startsAt === null) {
      // The day alone decides which field is wrong: a real day with a time it does not have is the time's fault.
      const dayOk = localStart(v.date, '12:00') !== null;
      ctx.addIssue({ code: 'custom', message: dayOk ? 'errors.time' : 'errors.date', path: [dayOk ? 'time' : 'date'] });
      return z.NEVER;
    }
    return { kind: v.kind, title: v.title, startsAt, minutes: v.minutes, competencies: v.competencies };
  });
export type SessionInput = z.output<typeof sessionSchema>;

/** The form's values as typed, to show again beside its errors. */
export function formValues(body: unknown): { kind: string; title: string; date: string; time: string; minutes: string; competencies: string[] } {
  const b = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    kind: s(b.kind),
    title: s(b.title),
    date: s(b.date),
    time: s(b.time),
    minutes: s(b.minutes),
    competencies: ticked.parse(b.competencies).filter((c) => CODES.has(c)),
  };
}

const userIds = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()).catch(['bad']));

/**
 * The checklist: `present` is every ticked member, `listed` every member the page showed (so a
 * member who joined after the page was drawn is not taken as unticked). A value that is not an id
 * makes the whole form invalid (null), like an id of someone who is not an active member.
 */
export function attendanceForm(body: unknown): { present: number[]; listed: number[] } | null {
  const b = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
  const ids = (v: unknown): number[] | null => {
    const out: number[] = [];
    for (const raw of userIds.parse(v)) {
      for (const part of raw.split(',')) {
        if (part.trim() === '') continue;
        if (!/^\d{1,15}$/.test(part.trim())) return null;
        out.push(Number(part.trim()));
      }
    }
    return out;
  };
  // The checklist always sends `listed`: a body without it is not that form.
  if (b.listed === undefined) return null;
  const present = ids(b.present);
  const listed = ids(b.listed);
  return present && listed ? { present: [...new Set(present)], listed: [...new Set(listed)] } : null;
}

const FIELD_DEFAULTS: Record<string, string> = {
  kind: 'errors.kind',
  title: 'errors.titleShort',
  date: 'errors.date',
  time: 'errors.time',
  minutes: 'errors.minutes',
  competencies: 'errors.competencies',
};

/** A refused form as { field: key in sessions.json }: the schema's own message, else the field's usual one. */
export function sessionErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'title');
    out[field] ??= issue.message.startsWith('errors.') ? issue.message : (FIELD_DEFAULTS[field] ?? 'errors.form');
  }
  return out;
}
