import { describe, expect, it } from 'vitest';
import { viewHelpers } from '../../server/http/locals.ts';
import { testConfig } from '../helpers.ts';

function helpersIn(lang: 'en' | 'ru') {
  const res = { locals: { lang } as Record<string, unknown> };
  viewHelpers(testConfig())({ path: '/', originalUrl: '/' } as never, res as never, () => {});
  return res.locals as { formatDate: (ms: number | null | undefined) => string; formatNumber: (n: number) => string };
}

describe('view helpers', () => {
  it('formats dates to the day in the reader language, the same text all day long (UTC)', () => {
    const en = helpersIn('en');
    const ru = helpersIn('ru');
    const morning = Date.UTC(2026, 10, 22, 0, 5);
    const evening = Date.UTC(2026, 10, 22, 23, 55);
    expect(en.formatDate(morning)).toBe('22 November 2026');
    expect(en.formatDate(evening)).toBe('22 November 2026');
    expect(en.formatDate(evening + 10 * 60 * 1000)).toBe('23 November 2026');
    expect(ru.formatDate(morning)).toBe('22 ноября 2026 г.');
    expect(en.formatDate(Date.UTC(1969, 11, 31, 12))).toBe('31 December 1969'); // before the epoch
  });

  it('shows nothing for a missing date and says so for an invalid one', () => {
    const en = helpersIn('en');
    expect(en.formatDate(null)).toBe('');
    expect(en.formatDate(undefined)).toBe('');
    expect(en.formatDate(Number.NaN)).toBe('Invalid Date');
  });

  it('formats numbers with the language grouping', () => {
    expect(helpersIn('en').formatNumber(100000)).toBe('100,000');
    expect(helpersIn('ru').formatNumber(100000)).toBe('100\u00a0000');
  });
});
