import { z } from 'zod';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';

export const GROUPINGS = ['school', 'region', 'country', 'cohort'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** Group-table columns a reader can sort by: the name, the teacher count, any competency or level total. */
export const SORT_KEYS = ['name', 'teachers', ...COMPETENCIES.map((c) => c.code as string), ...LEVELS.map((l) => l.code as string)] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day (2024-02-30 is refused), as YYYY-MM-DD. */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const text = z.string().trim().max(200, 'validation.tooLong').catch('').default('');
const text200 = z.string().trim().max(200, 'validation.tooLong').default('');
const optionalId = z
  .string()
  .trim()
  .regex(/^\d{0,9}$/, 'validation.invalid')
  .default('')
  .transform((v) => (v ? Number(v) : undefined));
const day = z
  .string()
  .trim()
  .default('')
  .refine((v) => v === '' || isCalendarDay(v), 'validation.date');

/** The report filters shared by every view and export (all optional; '' means "any"). */
export const filterSchema = z
  .object({
    country: text200,
    region: text200,
    school: text200,
    // A registry entry (country, region or school): its people and those of the entries under it.
    place: optionalId,
    cohort: optionalId,
    course: optionalId,
    from: day,
    to: day,
    // Compliance as it stood at the end of this day: evidence up to it, teachers who had joined by then.
    asOf: day,
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'validation.invalid' });
  });

export type Filters = z.output<typeof filterSchema>;

/** How the grouped report is laid out; bad values fall back to defaults rather than failing. */
export const layoutSchema = z.object({
  group: z.enum(GROUPINGS).catch('school').default('school'),
  sort: z.enum(SORT_KEYS).catch('name').default('name'),
  dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  format: z.enum(['html', 'csv', 'xlsx', 'json', 'pdf']).catch('html').default('html'),
  detail: text,
});

export type Layout = z.output<typeof layoutSchema>;
export type SortKey = Layout['sort'];

/** Evidence window in epoch milliseconds: [from 00:00 UTC, the day after `to` 00:00 UTC). */
export interface EvidenceWindow {
  fromMs?: number;
  toMs?: number;
}

export function evidenceWindow(filters: Pick<Filters, 'from' | 'to'> & Partial<Pick<Filters, 'asOf'>>): EvidenceWindow {
  const startOf = (value: string) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  const ends = [filters.to, filters.asOf].filter((d): d is string => !!d).map((d) => startOf(d) + 24 * 3600 * 1000);
  return {
    fromMs: filters.from ? startOf(filters.from) : undefined,
    toMs: ends.length ? Math.min(...ends) : undefined,
  };
}

/** The query string for a report URL: only the filters that are set, plus any extras. */
export function reportQuery(filters: Filters, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}
