import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import type { RequestHandler, Response } from 'express';

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANG_COOKIE = 'lang';

const LOCALES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../locales');

/** Reads locales/<lang>/<namespace>.json: one namespace per feature keeps files small. */
export function readLocales(): Record<Language, Record<string, Record<string, unknown>>> {
  const out = {} as Record<Language, Record<string, Record<string, unknown>>>;
  for (const lang of LANGUAGES) {
    out[lang] = {};
    for (const file of fs.readdirSync(path.join(LOCALES, lang))) {
      if (file.endsWith('.json')) {
        out[lang][file.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(LOCALES, lang, file), 'utf8'));
      }
    }
  }
  return out;
}

const resources = readLocales();
const i18n = i18next.createInstance();
await i18n.init({
  resources,
  ns: Object.keys(resources.en),
  defaultNS: 'common',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // EJS escapes on output with <%= %>
  initImmediate: false,
  showSupportNotice: false,
} as Parameters<typeof i18n.init>[0]);

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// i18next resolves a key through namespaces, fallbacks, plural rules and interpolation on every
// call (10-20 µs); a page makes a hundred or more. The resources never change after start-up, so
// a call's text depends only on its key and options: plain t(key) calls (the vast majority) are
// remembered for good, calls whose options are all numbers, booleans or short strings (counts,
// dates, titles) in a second map that starts afresh when full, so varying values cannot grow it.
const translators = new Map<Language, TFunction>();
const MAX_CACHED = 5000;

function optionsKey(options: unknown): string | null {
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return null;
  for (const value of Object.values(options)) {
    const type = typeof value;
    if (type !== 'number' && type !== 'boolean' && !(type === 'string' && (value as string).length <= 200)) return null;
  }
  return JSON.stringify(options);
}

function remembering(fixed: TFunction): TFunction {
  const plain = new Map<string, string>();
  const withOptions = new Map<string, string>();
  const call = fixed as unknown as (...args: unknown[]) => unknown;
  const t = (...args: unknown[]) => {
    const key = args[0];
    if (typeof key !== 'string' || args.length > 2) return call(...args);
    let cache = plain;
    let cacheKey = key;
    if (args.length === 2) {
      const options = optionsKey(args[1]);
      if (options === null) return call(...args);
      cache = withOptions;
      cacheKey = `${key}\u0000${options}`;
    }
    const known = cache.get(cacheKey);
    if (known !== undefined) return known;
    const value = call(...args);
    if (typeof value === 'string') {
      if (cache.size >= MAX_CACHED) {
        if (cache === plain) return value; // keys come from code: a full map means something is wrong
        cache.clear();
      }
      cache.set(cacheKey, value);
    }
    return value;
  };
  return t as unknown as TFunction;
}

export function translator(lang: Language): TFunction {
  let t = translators.get(lang);
  if (!t) {
    t = remembering(i18n.getFixedT(lang));
    translators.set(lang, t);
  }
  return t;
}

const plainTranslators = new Map<Language, TFunction>();

/**
 * A translator that remembers nothing: for texts holding secrets (mail with sign-in links), which
 * must not stay in the memo above.
 */
export function forgetfulTranslator(lang: Language): TFunction {
  let t = plainTranslators.get(lang);
  if (!t) {
    t = i18n.getFixedT(lang);
    plainTranslators.set(lang, t);
  }
  return t;
}

/** Remembers a language choice for a year (the switcher and sign-in both call this). */
export function rememberLanguage(res: Response, lang: Language, secure: boolean): void {
  res.cookie(LANG_COOKIE, lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true, secure, path: '/' });
}

/** Picks the language from ?lang=, then the cookie, then Accept-Language; English otherwise. */
export function languageMiddleware(secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const fromQuery = req.query.lang;
    let lang: Language;
    if (isLanguage(fromQuery)) {
      lang = fromQuery;
      if (req.cookies?.[LANG_COOKIE] !== lang) rememberLanguage(res, lang, secureCookies);
    } else if (isLanguage(req.cookies?.[LANG_COOKIE])) {
      lang = req.cookies[LANG_COOKIE];
    } else {
      const accepted = req.acceptsLanguages(...LANGUAGES);
      lang = isLanguage(accepted) ? accepted : 'en';
    }
    res.locals.lang = lang;
    res.locals.t = translator(lang);
    res.vary('Accept-Language');
    next();
  };
}
