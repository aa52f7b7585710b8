import { stringify } from 'csv-stringify/sync';
import { ASPECTS, COMPETENCIES, CROSSWALK_V2, FRAMEWORK, LEVELS, type Lang, type Localized } from './ict-cft.ts';

// Exports must be byte-identical between runs (tools re-import them): everything here comes from
// fixed data, never from the clock or random numbers. The CASE packages are in case-package.ts.

const licence = () => ({ name: FRAMEWORK.licence.name, code: FRAMEWORK.licence.code, url: FRAMEWORK.licence.url });

/** GET /framework.json: the framework as plain data, with its citation and licence. */
export function frameworkJson(baseUrl: string) {
  const both = (l: Localized) => ({ en: l.en, ru: l.ru });
  return {
    name: FRAMEWORK.name,
    shortName: FRAMEWORK.shortName,
    version: FRAMEWORK.version,
    year: FRAMEWORK.year,
    publisher: FRAMEWORK.publisher,
    citation: FRAMEWORK.citation,
    isbn: FRAMEWORK.isbn,
    licence: licence(),
    attribution: both(FRAMEWORK.attribution),
    // The Russian titles below are this edition's, cited wherever they are shown.
    russianEdition: { ...FRAMEWORK.russianEdition, licence: licence() },
    uri: `${baseUrl}/framework`,
    levels: LEVELS.map((l) => ({ code: l.code, title: l.title, titleRu: l.titleRu, description: both(l.description), uuid: l.uuid })),
    aspects: ASPECTS.map((a) => ({ number: a.number, title: a.title, titleRu: a.titleRu, description: both(a.description), uuid: a.uuid })),
    competencies: COMPETENCIES.map((c) => ({
      code: c.code,
      level: c.level,
      aspect: c.aspect,
      title: c.title,
      titleRu: c.titleRu,
      description: both(c.description),
      uuid: c.uuid,
      uri: `${baseUrl}/framework/${c.code}`,
    })),
    crosswalkV2: CROSSWALK_V2.map((x) => ({ ...x })),
  };
}

export const MOODLE_COLUMNS = [
  'parentidnumber',
  'idnumber',
  'shortname',
  'description',
  'descriptionformat',
  'scalevalues',
  'scaleconfiguration',
  'ruletype',
  'ruleoutcome',
  'ruleconfig',
  'relatedidnumbers',
  'exportid',
  'isframework',
  'taxonomies',
] as const;

// Labels of the Moodle file per language. Both files keep the same idnumbers: they are one
// framework in two languages, so a site imports the one its teachers read.
const MOODLE_TEXT: Record<Lang, { shortname: string; description: string; scaleValues: string }> = {
  en: {
    shortname: `${FRAMEWORK.shortName} ${FRAMEWORK.version} (${FRAMEWORK.year})`,
    description: `${FRAMEWORK.name}, Version ${FRAMEWORK.version}. ${FRAMEWORK.citation} ${FRAMEWORK.attribution.en}`,
    scaleValues: 'Not yet competent,Competent',
  },
  ru: {
    shortname: FRAMEWORK.russianEdition.title,
    description: `${FRAMEWORK.russianEdition.citation} ${FRAMEWORK.attribution.ru}`,
    scaleValues: 'Пока не освоена,Освоена',
  },
};

/**
 * GET /framework/moodle.csv (and moodle-ru.csv) for Moodle's tool_lpimportcsv: the framework row
 * first, then the six aspects as top-level competencies, each with its three level competencies as children.
 */
export function moodleCsv(lang: Lang = 'en'): string {
  const FRAMEWORK_ID = 'ICT-CFT-V3';
  const ru = lang === 'ru';
  const text = MOODLE_TEXT[lang];
  // descriptionformat 2 = plain text. The importer finds or creates a scale with these values and
  // writes its id into the first element of the configuration.
  const scaleConfiguration = JSON.stringify([{ scaleid: 0 }, { id: 1, scaledefault: 1, proficient: 0 }, { id: 2, scaledefault: 0, proficient: 1 }]);
  const row = (r: Partial<Record<(typeof MOODLE_COLUMNS)[number], string>>) => MOODLE_COLUMNS.map((c) => r[c] ?? '');
  const rows = [
    [...MOODLE_COLUMNS],
    row({
      idnumber: FRAMEWORK_ID,
      shortname: text.shortname,
      description: text.description,
      descriptionformat: '2',
      scalevalues: text.scaleValues,
      scaleconfiguration: scaleConfiguration,
      isframework: '1',
      taxonomies: 'domain,competency',
    }),
  ];
  for (const aspect of ASPECTS) {
    const aspectId = `ICT-CFT-V3-${aspect.number}`;
    rows.push(
      row({
        idnumber: aspectId,
        shortname: `${aspect.number}. ${ru ? aspect.titleRu : aspect.title}`,
        description: aspect.description[lang],
        descriptionformat: '2',
        exportid: aspectId,
      }),
    );
    for (const c of COMPETENCIES.filter((x) => x.aspect === aspect.number)) {
      rows.push(
        row({
          parentidnumber: aspectId,
          idnumber: c.code,
          shortname: `${c.code} ${ru ? c.titleRu : c.title}`,
          description: c.description[lang],
          descriptionformat: '2',
          exportid: c.code,
        }),
      );
    }
  }
  // Moodle reads this (fgetcsv), not a spreadsheet program: always ',' and no formula guard that
  // would alter the text, but every field quoted, in case the file is opened in Excel anyway.
  return stringify(rows, { record_delimiter: '\n', quoted_string: true });
}
