import crypto from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { ASPECTS, COMPETENCIES, CROSSWALK_V2, FRAMEWORK, LEVELS, type Localized } from './ict-cft.ts';

// Exports must be byte-identical between runs (tools re-import them), so every identifier and
// date here is derived from fixed data, never from the clock or random numbers.
const DATA_DATE = '2026-11-22T00:00:00+00:00';
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 version 5 UUID: the same name always gives the same identifier. */
export function uuidV5(name: string, namespace = URL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = crypto
    .createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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

/** GET /framework/case.json: an IMS CASE 1.1 CFPackage (document, items, associations). */
export function casePackage(baseUrl: string) {
  const pkgUri = `${baseUrl}/framework/case.json`;
  const docRef = { title: FRAMEWORK.name, identifier: FRAMEWORK.uuid, uri: `${pkgUri}#${FRAMEWORK.uuid}` };
  const licenceId = uuidV5('urn:ict-cft:v3:licence');
  const itemUri = (id: string) => `${pkgUri}#${id}`;
  const item = (
    identifier: string,
    fields: { fullStatement: string; humanCodingScheme: string; CFItemType: string; abbreviatedStatement?: string; notes?: string },
  ) => ({
    identifier,
    uri: itemUri(identifier),
    CFDocumentURI: docRef,
    ...fields,
    CFItemTypeURI: {
      title: fields.CFItemType,
      identifier: uuidV5(`urn:ict-cft:v3:item-type:${fields.CFItemType}`),
      uri: itemUri(uuidV5(`urn:ict-cft:v3:item-type:${fields.CFItemType}`)),
    },
    language: 'en',
    licenseURI: { title: FRAMEWORK.licence.name, identifier: licenceId, uri: itemUri(licenceId) },
    lastChangeDateTime: DATA_DATE,
  });
  const ref = (identifier: string, title: string) => ({ title, identifier, uri: itemUri(identifier) });
  const association = (type: string, origin: { id: string; title: string }, destination: { id: string; title: string }, sequenceNumber?: number) => {
    const identifier = uuidV5(`urn:ict-cft:v3:association:${type}:${origin.id}:${destination.id}`);
    return {
      identifier,
      uri: itemUri(identifier),
      associationType: type,
      CFDocumentURI: docRef,
      originNodeURI: ref(origin.id, origin.title),
      destinationNodeURI: destination.id === FRAMEWORK.uuid ? docRef : ref(destination.id, destination.title),
      ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
      lastChangeDateTime: DATA_DATE,
    };
  };
  const doc = { id: FRAMEWORK.uuid, title: FRAMEWORK.name };

  const items = [
    ...ASPECTS.map((a) => item(a.uuid, { fullStatement: a.title, humanCodingScheme: String(a.number), CFItemType: 'Aspect', notes: a.description.en })),
    ...LEVELS.map((l) => item(l.uuid, { fullStatement: l.title, humanCodingScheme: l.code, CFItemType: 'Level', notes: l.description.en })),
    ...COMPETENCIES.map((c) =>
      item(c.uuid, { fullStatement: c.description.en, abbreviatedStatement: c.title, humanCodingScheme: c.code, CFItemType: 'Competency' }),
    ),
  ];
  const associations = [
    ...ASPECTS.map((a) => association('isChildOf', { id: a.uuid, title: a.title }, doc, a.number)),
    ...LEVELS.map((l) => association('isChildOf', { id: l.uuid, title: l.title }, doc, 6 + l.order)),
    ...COMPETENCIES.flatMap((c) => {
      const aspect = ASPECTS.find((a) => a.number === c.aspect)!;
      const level = LEVELS.find((l) => l.code === c.level)!;
      return [
        association('isChildOf', { id: c.uuid, title: c.title }, { id: aspect.uuid, title: aspect.title }, level.order),
        association('hasSkillLevel', { id: c.uuid, title: c.title }, { id: level.uuid, title: level.title }),
      ];
    }),
  ];
  return {
    CFDocument: {
      identifier: FRAMEWORK.uuid,
      uri: docRef.uri,
      creator: FRAMEWORK.publisher,
      title: FRAMEWORK.name,
      lastChangeDateTime: DATA_DATE,
      publisher: FRAMEWORK.publisher,
      description: `${FRAMEWORK.citation} ${FRAMEWORK.attribution.en}`,
      language: 'en',
      version: FRAMEWORK.version,
      adoptionStatus: 'Adopted',
      licenseURI: { title: FRAMEWORK.licence.name, identifier: licenceId, uri: itemUri(licenceId) },
      CFPackageURI: { title: FRAMEWORK.name, identifier: FRAMEWORK.uuid, uri: pkgUri },
    },
    CFItems: items,
    CFAssociations: associations,
    CFDefinitions: {
      CFItemTypes: ['Aspect', 'Level', 'Competency'].map((t) => {
        const identifier = uuidV5(`urn:ict-cft:v3:item-type:${t}`);
        return { identifier, uri: itemUri(identifier), title: t, description: t, hierarchyCode: t, lastChangeDateTime: DATA_DATE };
      }),
      CFLicenses: [
        {
          identifier: licenceId,
          uri: itemUri(licenceId),
          title: FRAMEWORK.licence.name,
          description: FRAMEWORK.licence.url,
          licenseText: `${FRAMEWORK.attribution.en} ${FRAMEWORK.licence.url}`,
          lastChangeDateTime: DATA_DATE,
        },
      ],
    },
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

/**
 * GET /framework/moodle.csv for Moodle's tool_lpimportcsv: the framework row first, then the six
 * aspects as top-level competencies, each with its three level competencies as children.
 */
export function moodleCsv(): string {
  const FRAMEWORK_ID = 'ICT-CFT-V3';
  // descriptionformat 2 = plain text. The importer finds or creates a scale with these values and
  // writes its id into the first element of the configuration.
  const scaleValues = 'Not yet competent,Competent';
  const scaleConfiguration = JSON.stringify([{ scaleid: 0 }, { id: 1, scaledefault: 1, proficient: 0 }, { id: 2, scaledefault: 0, proficient: 1 }]);
  const row = (r: Partial<Record<(typeof MOODLE_COLUMNS)[number], string>>) => MOODLE_COLUMNS.map((c) => r[c] ?? '');
  const rows = [
    [...MOODLE_COLUMNS],
    row({
      idnumber: FRAMEWORK_ID,
      shortname: `${FRAMEWORK.shortName} ${FRAMEWORK.version} (${FRAMEWORK.year})`,
      description: `${FRAMEWORK.name}, Version ${FRAMEWORK.version}. ${FRAMEWORK.citation} ${FRAMEWORK.attribution.en}`,
      descriptionformat: '2',
      scalevalues: scaleValues,
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
        shortname: `${aspect.number}. ${aspect.title}`,
        description: aspect.description.en,
        descriptionformat: '2',
        exportid: aspectId,
      }),
    );
    for (const c of COMPETENCIES.filter((x) => x.aspect === aspect.number)) {
      rows.push(
        row({
          parentidnumber: aspectId,
          idnumber: c.code,
          shortname: `${c.code} ${c.title}`,
          description: c.description.en,
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
