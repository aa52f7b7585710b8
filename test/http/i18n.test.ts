import { describe, expect, it } from 'vitest';
import { readLocales } from '../../server/http/i18n.ts';

// Plural forms differ by language (English: one/other; Russian: one/few/many/other).
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k.replace(PLURAL, '')}`],
  );
}

describe('translations', () => {
  const locales = readLocales();

  it('have the same namespaces in English and Russian', () => {
    expect(Object.keys(locales.ru).sort()).toEqual(Object.keys(locales.en).sort());
  });

  for (const ns of Object.keys(locales.en)) {
    it(`have the same keys in both languages: ${ns}`, () => {
      const en = new Set(keys(locales.en[ns] ?? {}));
      const ru = new Set(keys(locales.ru[ns] ?? {}));
      expect(
        [...en].filter((k) => !ru.has(k)),
        'missing in Russian',
      ).toEqual([]);
      expect(
        [...ru].filter((k) => !en.has(k)),
        'missing in English',
      ).toEqual([]);
    });
  }
});
