import type { TFunction } from 'i18next';
import type { Db } from '../db/client.ts';
import { demonstratingKinds } from '../evidence/rule.ts';
import { ASPECTS, COMPETENCIES, FRAMEWORK, LEVELS, localized } from '../framework/ict-cft.ts';
import { displayName } from '../organisations/names.ts';
import { organisationNamesById, placeLabel } from '../organisations/queries.ts';
import { complianceCounts, type CountsRow, excludedStaff, type FilterOptions, placeOfKey } from './queries.ts';
import type { Filters, Grouping, Layout, SortKey } from './schemas.ts';

export const GROUPS_PER_PAGE = 50;

/** A count of teachers and its share of the teachers counted (percent, one decimal). */
export interface Cell {
  count: number;
  percent: number;
}

export interface GroupFigures {
  key: string;
  name: string;
  /** The registry entry of a school/region/country group; null for a typed value or a cohort. */
  place: number | null;
  /** A typed value in a report that also has registry entries: exports say so beside its name (two "Norway" rows otherwise). */
  typed?: boolean;
  teachers: number;
  competencies: Cell[]; // COMPETENCIES order: teachers who demonstrated it
  levels: Cell[]; // LEVELS order: teachers who demonstrated all six competencies of the level
  checked: Cell[]; // COMPETENCIES order: teachers with knowledge checked but not demonstrated
}

export interface AppliedFilter {
  field: string;
  label: string;
  value: string;
}

export interface ReportMetadata {
  title: string;
  generatedAt: string;
  filters: AppliedFilter[];
  grouping: { key: Grouping; label: string };
  teachers: number;
  /** Who is counted, in words, and how many staff with the teacher role the filters matched but the report left out. */
  population: { text: string; staffExcluded: number };
  notes: string[];
  framework: { name: string; version: string; citation: string; licence: string; licenceUrl: string; attribution: string };
}

/**
 * A group as the report holds it: counts only, no cells. A national report by school has tens of
 * thousands of groups; their cells (39 objects each) are made by `figures` as each is shown or
 * written, so memory holds numbers, not half a million small objects.
 */
export interface GroupCounts extends CountsRow {
  place: number | null;
  typed?: boolean;
}

export interface ComplianceReport {
  metadata: ReportMetadata;
  total: GroupFigures;
  groups: GroupCounts[]; // every group, in the requested order
}

/** Percent with one decimal; 0 when nobody is counted (never NaN). Every view and export uses this. */
export function percent(count: number, of: number): number {
  return of > 0 ? Math.round((count * 1000) / of) / 10 : 0;
}

/** A group's (or the total's) cells: each count with its percentage of the group's teachers. */
export function figures(row: CountsRow & { place?: number | null; typed?: boolean }): GroupFigures {
  const cell = (count: number) => ({ count, percent: percent(count, row.teachers) });
  return {
    key: row.key,
    name: row.name,
    place: row.place ?? null,
    ...(row.typed === undefined ? {} : { typed: row.typed }),
    teachers: row.teachers,
    competencies: row.competencies.map(cell),
    levels: row.levels.map(cell),
    checked: row.checked.map(cell),
  };
}

const COMPETENCY_INDEX = new Map(COMPETENCIES.map((c, i) => [c.code as string, i]));
const LEVEL_INDEX = new Map(LEVELS.map((l, i) => [l.code as string, i]));

/** Sorts groups by a column; ties fall back to the name so the order never depends on SQL. */
export function sortGroups<G extends CountsRow>(groups: G[], sort: SortKey, dir: 'asc' | 'desc', lang: string): G[] {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
  const byName = (a: G, b: G) => collator.compare(a.name, b.name) || collator.compare(a.key, b.key);
  // By the percentage as shown (one decimal), then the count.
  const ranked = (count: number, g: G) => percent(count, g.teachers) * 1e9 + count;
  const value = (g: G): number => {
    if (sort === 'teachers') return g.teachers;
    const c = COMPETENCY_INDEX.get(sort);
    if (c !== undefined) return ranked(g.competencies[c]!, g);
    const l = LEVEL_INDEX.get(sort);
    return l !== undefined ? ranked(g.levels[l]!, g) : 0;
  };
  const sign = dir === 'desc' ? -1 : 1;
  return [...groups].sort((a, b) => (sort === 'name' ? sign * byName(a, b) : sign * (value(a) - value(b)) || byName(a, b)));
}

/** The filters that are set, in words, for the page and every export. */
export function describeFilters(filters: Filters, options: FilterOptions, t: TFunction, lang: string): AppliedFilter[] {
  const out: AppliedFilter[] = [];
  const add = (field: string, value: string | undefined) => {
    if (value) out.push({ field, label: t(`reports:filters.${field}`), value });
  };
  add('country', filters.country);
  add('region', filters.region);
  add('school', filters.school);
  add('place', options.place ? placeLabel(options.place, lang) : '');
  add('cohort', filters.cohort === undefined ? '' : (options.cohorts.find((c) => c.id === filters.cohort)?.name ?? String(filters.cohort)));
  add('course', filters.course === undefined ? '' : (options.courses.find((c) => c.id === filters.course)?.title ?? String(filters.course)));
  add('from', filters.from);
  add('to', filters.to);
  add('asOf', filters.asOf);
  return out;
}

/** The deployment's rule in words, for the report's notes: "Knowledge Acquisition: a passed quiz, …; Knowledge Deepening: …". */
export function describeRule(t: TFunction, lang: string): string {
  const ru = lang.toLowerCase().startsWith('ru');
  return LEVELS.map(
    (l) =>
      `${ru ? l.titleRu : l.title}: ${demonstratingKinds(l.code)
        .map((k) => t(`framework:kindsExplained.${k}`))
        .join(t('framework:rule.or'))}`,
  ).join('; ');
}

export function reportMetadata(
  filters: Filters,
  group: Grouping,
  counted: { teachers: number; staffExcluded: number },
  options: FilterOptions,
  t: TFunction,
  lang: string,
  now = new Date(),
) {
  const notes = [t('reports:notes.counting'), t('reports:notes.rule', { rule: describeRule(t, lang) })];
  if (filters.course !== undefined) notes.push(t('reports:notes.course'));
  if (filters.from || filters.to) notes.push(t('reports:notes.window'));
  if (filters.asOf) notes.push(t('reports:notes.asOf', { date: filters.asOf }));
  if (group === 'cohort') notes.push(t('reports:notes.cohorts'));
  return {
    title: t('reports:title'),
    generatedAt: now.toISOString(),
    filters: describeFilters(filters, options, t, lang),
    grouping: { key: group, label: t(`reports:groupBy.${group}`) },
    teachers: counted.teachers,
    population: { text: t('reports:population.text', { count: counted.staffExcluded }), staffExcluded: counted.staffExcluded },
    notes,
    framework: {
      name: FRAMEWORK.name,
      version: FRAMEWORK.version,
      citation: FRAMEWORK.citation,
      licence: FRAMEWORK.licence.name,
      licenceUrl: FRAMEWORK.licence.url,
      attribution: localized(FRAMEWORK.attribution, lang),
    },
  } satisfies ReportMetadata;
}

/** Place groups get their names: a registry entry's in the reader's language, a typed value as typed. */
async function namePlaces(db: Db, groups: CountsRow[], lang: string): Promise<GroupCounts[]> {
  const ids = groups.map((g) => placeOfKey(g.key)).filter((id) => id !== null);
  const names = await organisationNamesById(db, ids);
  return groups.map((g) => {
    const place = placeOfKey(g.key);
    const org = place === null ? undefined : names.get(place);
    return Object.assign(g, { place, typed: place === null && ids.length > 0, name: org ? displayName(org, lang) : g.key.replace(/^text:/, '') });
  });
}

/** The whole grouped report: one aggregate query, then percentages, metadata and order. */
export async function buildComplianceReport(
  db: Db,
  filters: Filters,
  layout: Pick<Layout, 'group' | 'sort' | 'dir'>,
  options: FilterOptions,
  t: TFunction,
  lang: string,
) {
  const [counts, staffExcluded] = await Promise.all([complianceCounts(db, filters, layout.group), excludedStaff(db, filters)]);
  const total = figures(counts.total);
  const named = layout.group === 'cohort' ? counts.groups.map((g) => Object.assign(g, { place: null })) : await namePlaces(db, counts.groups, lang);
  const groups = sortGroups(named, layout.sort, layout.dir, lang);
  const metadata = reportMetadata(filters, layout.group, { teachers: total.teachers, staffExcluded }, options, t, lang);
  return { metadata, total, groups } satisfies ComplianceReport;
}

/** One page of groups (pages count from 1; a page past the end shows the last one). */
export function pageOf<T>(items: T[], page: number, perPage: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * perPage, current * perPage), page: current, pages };
}

/** Localized framework labels for views and exports. */
export function frameworkLabels(lang: string) {
  const ru = lang.toLowerCase().startsWith('ru');
  return {
    levels: LEVELS.map((l) => ({ code: l.code, title: ru ? l.titleRu : l.title })),
    aspects: ASPECTS.map((a) => ({ number: a.number, title: ru ? a.titleRu : a.title })),
    competencies: COMPETENCIES.map((c) => ({ code: c.code, level: c.level, aspect: c.aspect, title: ru ? c.titleRu : c.title })),
  };
}

/** The 6x3 matrix: for each aspect (rows), the index into COMPETENCIES of each level (columns). */
export const MATRIX: number[][] = ASPECTS.map((a) => LEVELS.map((l) => COMPETENCIES.findIndex((c) => c.aspect === a.number && c.level === l.code)));

/**
 * The sequential colour scale of the heat map and the group table: one hue, light to dark, and
 * for each step the text colour that keeps contrast above 4.5:1 (ink 14.6:1 to 6.3:1, white 5.6:1
 * and 10.8:1). `from`/`to` are the percentages the step covers (one decimal, as shown). The CSS
 * classes heat-0…heat-5 in static/css/reports.css and the PDF export read these colours.
 */
export const HEAT_STEPS = [
  { level: 0, from: 0, to: 0, background: '#f4f7fb', text: '#1b2430' },
  { level: 1, from: 0.1, to: 19.9, background: '#dbe7f4', text: '#1b2430' },
  { level: 2, from: 20, to: 39.9, background: '#b0cbe8', text: '#1b2430' },
  { level: 3, from: 40, to: 59.9, background: '#7ea8d8', text: '#1b2430' },
  { level: 4, from: 60, to: 79.9, background: '#2f6aad', text: '#ffffff' },
  { level: 5, from: 80, to: 100, background: '#0b3d75', text: '#ffffff' },
] as const;

/** The step of a percentage: 0 for none, then 1-5 in steps of 20 points (80% and over is 5). */
export function heatLevel(p: number): number {
  return p <= 0 ? 0 : Math.min(5, 1 + Math.floor(p / 20));
}

const LOCALES: Record<string, string> = { en: 'en-GB', ru: 'ru-RU' };
const stampFormats = new Map<string, Intl.DateTimeFormat>();

/** When a report was generated, in the reader's language, to the minute, in UTC ("30 November 2026 at 05:09 UTC"). */
export function formatGeneratedAt(iso: string, lang: string): string {
  const locale = LOCALES[lang] ?? 'en-GB';
  let format = stampFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    stampFormats.set(locale, format);
  }
  return `${format.format(new Date(iso))} UTC`;
}
