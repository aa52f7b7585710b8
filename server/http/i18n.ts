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

export function translator(lang: Language): TFunction {
  return i18n.getFixedT(lang);
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
