import type { Response } from 'express';
import { currentUser } from '../auth/guards.ts';
import type { Db } from '../db/client.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import type { CourseProgress } from '../learning/progress.ts';
import { type CatalogueCourse, type CatalogueModule, getCatalogue } from './catalogue.ts';
import { type Due, dueFor, type Recommendation, recommendCourses, teacherView } from './personal.ts';
import type { CatalogueFilters } from './schemas.ts';
import { searchCourses, searchTerms } from './search.ts';

// The catalogue page: filters, search, and for a signed-in teacher their progress, due dates and
// recommendations on the same cards.

const SHORT_WORDS = 25;

// Course summaries change only when packages are reloaded: each is cut once, not on every card.
const summaries = new Map<string, { short: string; rest: string }>();

/** The first 25 words and the rest; a summary only a little longer is shown whole. */
export function shortSummary(text: string): { short: string; rest: string } {
  let cut = summaries.get(text);
  if (!cut) {
    if (summaries.size > 1000) summaries.clear();
    cut = cutSummary(text);
    summaries.set(text, cut);
  }
  return cut;
}

function cutSummary(text: string): { short: string; rest: string } {
  const words = text.trim().split(/\s+/);
  if (words.length <= SHORT_WORDS + 5) return { short: text.trim(), rest: '' };
  return {
    short: words
      .slice(0, SHORT_WORDS)
      .join(' ')
      .replace(/[,;:–—-]+$/, ''),
    rest: words.slice(SHORT_WORDS).join(' '),
  };
}

export interface CourseCard {
  course: CatalogueCourse;
  summary: { short: string; rest: string };
  /** Search matches found only in these modules' text. */
  foundIn: CatalogueModule[];
  progress: CourseProgress | null;
  due: Due | null;
  recommendation: Recommendation | null;
}

export function courseCard(
  course: CatalogueCourse,
  extra: { foundIn?: CatalogueModule[]; progress?: CourseProgress | null; due?: Due | null; recommendation?: Recommendation | null } = {},
): CourseCard {
  return {
    course,
    summary: shortSummary(course.summary),
    foundIn: extra.foundIn ?? [],
    progress: extra.progress ?? null,
    due: extra.due ?? null,
    recommendation: extra.recommendation ?? null,
  };
}

export async function catalogueLocals(db: Db, res: Response, filters: CatalogueFilters) {
  const catalogue = await getCatalogue(db);
  const terms = searchTerms(filters.q);
  const filtered = catalogue.courses.filter(
    (c) => (!filters.language || c.language === filters.language) && (!filters.competency || c.competencies.includes(filters.competency)),
  );
  const hits = terms.length ? searchCourses(filtered, terms) : filtered.map((course) => ({ course, modules: [] }));

  const user = currentUser(res);
  const teacher = user ? await teacherView(db, catalogue, user.id) : null;
  const recommended = teacher
    ? recommendCourses(
        hits.map((h) => h.course),
        teacher.held,
        teacher.taken,
        res.locals.lang,
      )
    : [];
  const cards = hits.map(({ course, modules }) => {
    const progress = teacher?.progress.get(course.id) ?? null;
    return courseCard(course, {
      foundIn: modules,
      progress,
      due: teacher ? dueFor(teacher.dues, course.id, progress?.complete ?? false) : null,
      recommendation: recommended.find((r) => r.course === course) ?? null,
    });
  });
  // Unfiltered, the recommendations get a section of their own; in results they are marked where they are.
  const sectioned = recommended.length > 0 && !filters.q && !filters.language && !filters.competency;
  const byRank = (a: CourseCard, b: CourseCard) => recommended.indexOf(a.recommendation!) - recommended.indexOf(b.recommendation!);
  return {
    filters,
    competencies: COMPETENCIES,
    total: catalogue.courses.length,
    count: cards.length,
    recommendedCards: sectioned ? cards.filter((c) => c.recommendation).sort(byRank) : [],
    cards: sectioned ? cards.filter((c) => !c.recommendation) : cards,
    narrowed: Boolean(filters.q && (filters.language || filters.competency)),
  };
}
