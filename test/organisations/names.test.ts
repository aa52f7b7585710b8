import { describe, expect, it } from 'vitest';
import { displayName, nameKey, searchTextOf } from '../../server/organisations/names.ts';

describe('nameKey', () => {
  it('gives one key for every way of writing a school number', () => {
    const keys = ['СОШ №1', 'сош № 1', 'СОШ № 1', 'Сош N1', 'SOSH 1', 'sosh no. 1', 'СОШ Nr 1'].map(nameKey);
    expect(new Set(keys)).toEqual(new Set(['sosh 1']));
  });

  it('folds case, accents, ё and script, and keeps letters that are part of a number', () => {
    expect(nameKey('Олёкминская  гимназия')).toBe(nameKey('ОЛЕКМИНСКАЯ ГИМНАЗИЯ'));
    expect(nameKey('School No. 12a')).toBe('school 12 a');
    expect(nameKey('Norway')).toBe('norway'); // "no" only goes before a number
    expect(nameKey('   ')).toBe('');
  });

  it('search text holds both names and the code', () => {
    expect(searchTextOf({ nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1', code: '1400-01' })).toBe(' tiksi school 1 tiksinskaya sosh 1 1400 01 ');
  });

  it('shows the name in the reader’s language, the other when it is empty', () => {
    expect(displayName({ nameEn: 'Russia', nameRu: 'Россия' }, 'ru')).toBe('Россия');
    expect(displayName({ nameEn: '', nameRu: 'Россия' }, 'en')).toBe('Россия');
  });
});
