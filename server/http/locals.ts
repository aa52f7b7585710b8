import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { hasRole } from '../auth/guards.ts';
import type { Role } from '../db/schema.ts';
import { competencyTitle } from '../framework/ict-cft.ts';
import { asset } from './static.ts';

/** Values every view may use: the asset helper, the current path, dates in the reader's language. */
export function viewHelpers(config: Config): RequestHandler {
  return (req, res, next) => {
    const lang: string = res.locals.lang;
    const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
    res.locals.asset = asset;
    res.locals.path = req.path;
    res.locals.originalUrl = req.originalUrl;
    res.locals.baseUrl = config.baseUrl;
    res.locals.formatDate = (ms: number | null | undefined) =>
      ms == null ? '' : new Date(ms).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    res.locals.formatNumber = (n: number) => n.toLocaleString(locale);
    res.locals.competencyTitle = (code: string) => competencyTitle(code, lang);
    res.locals.hasRole = (role: Role) => hasRole(res.locals.user, role);
    next();
  };
}
