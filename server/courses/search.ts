import type { CatalogueCourse, CatalogueModule } from './catalogue.ts';

// Catalogue search: every word of the query must begin a word of the course (its title, summary,
// or a module's title and text). Both sides are folded the same way: case (Latin and Cyrillic
// alike, which SQLite's LIKE would not do), accents and ё/е, then Cyrillic spelt in Latin letters,
// so "АРКТИКЕ", "арктике" and "arktike" find the same course. No stemming: "арктика" does not
// find "Арктике".

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'i',
  є: 'e',
  ў: 'u',
  ә: 'a',
  ө: 'o',
  ү: 'u',
  һ: 'h',
  ҥ: 'n',
};

const MAX_TERMS = 8;

/**
 * Lower case, no accents (so ё is е and й is и, the way people type them), Cyrillic in Latin
 * letters, letter by letter: a prefix of a word folds to a prefix of the folded word.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u0400-\u04ff]/g, (c) => CYRILLIC_TO_LATIN[c] ?? c);
}

function words(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The query's distinct folded words (at most 8). */
export function searchTerms(query: string | undefined): string[] {
  return [...new Set(words(query ?? ''))].slice(0, MAX_TERMS);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The visible text of sanitised module HTML (tags dropped, entities decoded). */
export function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}

/** Words joined with spaces and wrapped in them, so " " + term finds a word that begins with term. */
const haystack = (text: string) => ` ${words(text).join(' ')} `;

interface CourseIndex {
  overview: string;
  modules: { module: CatalogueModule; text: string }[];
}

// Built on the first search and kept with the course object, which a catalogue reload replaces.
const indexes = new WeakMap<CatalogueCourse, CourseIndex>();

function indexOf(course: CatalogueCourse): CourseIndex {
  let index = indexes.get(course);
  if (!index) {
    index = {
      overview: haystack(`${course.title} ${course.summary}`),
      modules: course.modules.map((module) => ({ module, text: haystack(`${module.title} ${htmlText(module.bodyHtml)}`) })),
    };
    indexes.set(course, index);
  }
  return index;
}

export interface SearchHit {
  course: CatalogueCourse;
  /** Modules whose text matched words the title and summary do not have (to say where it was found). */
  modules: CatalogueModule[];
}

/** The courses that have every term somewhere; those that match in their title or summary come first. */
export function searchCourses(courses: CatalogueCourse[], terms: string[]): SearchHit[] {
  const inOverview: SearchHit[] = [];
  const inModules: SearchHit[] = [];
  for (const course of courses) {
    const index = indexOf(course);
    const elsewhere = terms.filter((term) => !index.overview.includes(` ${term}`));
    if (elsewhere.length === 0) {
      inOverview.push({ course, modules: [] });
      continue;
    }
    const found = elsewhere.every((term) => index.modules.some((m) => m.text.includes(` ${term}`)));
    if (found) {
      const modules = index.modules.filter((m) => elsewhere.some((term) => m.text.includes(` ${term}`))).map((m) => m.module);
      inModules.push({ course, modules });
    }
  }
  return [...inOverview, ...inModules];
}
