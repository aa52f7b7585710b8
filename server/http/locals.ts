import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { hasRole, safeNext } from '../auth/guards.ts';
import type { Role } from '../db/schema.ts';
import { competencyTitle } from '../framework/ict-cft.ts';
import { asset } from './static.ts';

// toLocaleDateString/toLocaleString build a new Intl formatter on every call (tens of µs each,
// and a dashboard formats dozens of dates); the same formatters built once give identical text.
const DATE_OPTIONS: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
const FORMATS = {
  en: { locale: 'en-GB', date: new Intl.DateTimeFormat('en-GB', DATE_OPTIONS), number: new Intl.NumberFormat('en-GB') },
  ru: { locale: 'ru-RU', date: new Intl.DateTimeFormat('ru-RU', DATE_OPTIONS), number: new Intl.NumberFormat('ru-RU') },
};

const DAY = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED_DAYS = 10_000;

function helpersFor(lang: 'en' | 'ru') {
  const format = FORMATS[lang];
  // Dates are shown to the day (in UTC), and a dashboard or report shows dozens of them, mostly
  // the same few days: each day's text is formatted once (about 2 µs each through Intl).
  const days = new Map<number, string>();
  return {
    formatDate: (ms: number | null | undefined) => {
      if (ms == null) return '';
      const day = Math.floor(ms / DAY);
      let text = days.get(day);
      if (text === undefined) {
        const date = new Date(ms);
        // An invalid date makes Intl throw where toLocaleDateString says "Invalid Date": keep the latter.
        text = Number.isNaN(date.getTime()) ? date.toLocaleDateString(format.locale, DATE_OPTIONS) : format.date.format(date);
        if (days.size >= MAX_REMEMBERED_DAYS) days.clear();
        days.set(day, text);
      }
      return text;
    },
    formatNumber: (n: number) => format.number.format(n),
    competencyTitle: (code: string) => competencyTitle(code, lang),
  };
}
// The language's helpers are made once, not for every request.
const HELPERS = { en: helpersFor('en'), ru: helpersFor('ru') };

/**
 * The current page in another language: the same path and query, only `lang` replaced. The path
 * comes from the request, so one like //evil.example/x or /\evil would make an off-site link:
 * safeNext lets only local paths through.
 */
export function languageHref(originalUrl: string, lang: string): string {
  const q = originalUrl.indexOf('?');
  const path = safeNext(q < 0 ? originalUrl : originalUrl.slice(0, q), '/');
  const query = new URLSearchParams(q < 0 ? '' : originalUrl.slice(q + 1));
  query.delete('lang');
  query.append('lang', lang);
  return `${path}?${query}`;
}

/** Values every view may use: the asset helper, the current path, dates in the reader's language. */
export function viewHelpers(config: Config): RequestHandler {
  return (req, res, next) => {
    const helpers = res.locals.lang === 'ru' ? HELPERS.ru : HELPERS.en;
    res.locals.asset = asset;
    res.locals.path = req.path;
    res.locals.originalUrl = req.originalUrl;
    res.locals.baseUrl = config.baseUrl;
    res.locals.formatDate = helpers.formatDate;
    res.locals.formatNumber = helpers.formatNumber;
    res.locals.competencyTitle = helpers.competencyTitle;
    res.locals.hasRole = (role: Role) => hasRole(res.locals.user, role);
    res.locals.languageHref = (lang: string) => languageHref(req.originalUrl, lang);
    next();
  };
}
