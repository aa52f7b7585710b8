import type { Request, Response } from 'express';
import type { Cohort } from './queries.ts';
import { fileStem, sendCsv, sendXlsx } from './export.ts';

// A list to fill in, for the import form: the headings in the reader's language (the import
// recognises both) and one example row.

const COLUMNS = ['email', 'family', 'given', 'patronymic', 'school', 'schoolCode', 'region', 'country', 'language'] as const;

/** ?language=en|ru (not ?lang=, which would switch the interface language too), else the reader's. */
function templateLanguage(req: Request, res: Response): 'en' | 'ru' {
  const asked = req.query.language;
  if (asked === 'en' || asked === 'ru') return asked;
  return res.locals.lang === 'ru' ? 'ru' : 'en';
}

export async function sendTemplate(req: Request, res: Response, cohort: Cohort, format: 'csv' | 'xlsx'): Promise<void> {
  const lng = templateLanguage(req, res);
  const t = res.locals.t;
  const headers = COLUMNS.map((c) => t(`cohorts:import.template.headings.${c}`, { lng }));
  const example = COLUMNS.map((c) => t(`cohorts:import.template.example.${c}`, { lng }));
  const file = `${fileStem(cohort)}-import-template-${lng}.${format}`;
  if (format === 'csv') return sendCsv(res, file, headers, [example]);
  await sendXlsx(res, file, t('cohorts:import.template.sheet', { lng }), headers, [example]);
}
