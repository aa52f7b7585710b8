import { foldText, searchTerms } from '../courses/search.ts';
import type { OrganisationKind } from '../db/schema.ts';

// How registry names are compared and shown. A name key is the name folded the way catalogue
// search folds text (case, accents, ё/е, Cyrillic spelt in Latin letters) with punctuation and
// spacing reduced to single spaces, so "СОШ №1", "сош № 1" and "SOSH 1" are one key.

export interface Named {
  nameEn: string;
  nameRu: string;
}

export function nameKey(name: string): string {
  return foldText(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');
}

/** What search looks in: both names and the code, folded; words separated by single spaces. */
export function searchTextOf(org: Named & { code: string | null }): string {
  return ` ${[org.nameEn, org.nameRu, org.code ?? ''].map(nameKey).filter(Boolean).join(' ')} `;
}

/** The query's folded words, for matching against searchText. */
export const searchWords = searchTerms;

/** The name in the reader's language, the other one when that is empty. */
export function displayName(org: Named, lang: string): string {
  return (lang === 'ru' ? org.nameRu || org.nameEn : org.nameEn || org.nameRu) || '—';
}

/** Which kinds may be the parent of an entry of this kind. */
export const PARENT_KINDS: Record<OrganisationKind, readonly OrganisationKind[]> = {
  country: [],
  region: ['country'],
  school: ['region', 'country'],
};
