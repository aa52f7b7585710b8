import { foldText } from '../courses/search.ts';
import type { OrganisationKind } from '../db/schema.ts';

// How registry names are compared and shown. A name key is the name folded the way catalogue
// search folds text (case, accents, ё/е, Cyrillic spelt in Latin letters) with punctuation and
// spacing reduced to single spaces, so "СОШ №1", "сош № 1" and "SOSH 1" are one key.

export interface Named {
  nameEn: string;
  nameRu: string;
}

export function nameKey(name: string): string {
  // "№" folds to "No" under NFKD: drop it, split letters from digits ("№1", "no1" -> "1"), and drop
  // a "No"/"N"/"Nr" before a number, so every way of writing a school's number is one key.
  const words = foldText(name.replace(/№/g, ' '))
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.filter((w, i) => !(/^(no|n|nr)$/.test(w) && /^\p{N}/u.test(words[i + 1] ?? ''))).join(' ');
}

/** What search looks in: both names and the code, folded; words separated by single spaces. */
export function searchTextOf(org: Named & { code: string | null }): string {
  return ` ${[org.nameEn, org.nameRu, org.code ?? ''].map(nameKey).filter(Boolean).join(' ')} `;
}

/** The query's folded words (at most 8), keyed like names, for matching against searchText. */
export function searchWords(query: string | undefined): string[] {
  return [
    ...new Set(
      nameKey(query ?? '')
        .split(' ')
        .filter(Boolean),
    ),
  ].slice(0, 8);
}

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
