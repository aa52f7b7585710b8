import { ASPECTS, COMPETENCIES, FRAMEWORK, LEVELS, type Lang } from './ict-cft.ts';
import { uuidV5 } from './uuid-v5.ts';

// The framework as 1EdTech CASE 1.1 packages: the English original and the official Russian
// edition, each its own CFDocument (CASE identifiers name one text in one language), the Russian
// items linked to the English ones by isTranslationOf. Every `uri` is a CASE REST address
// (server/framework/case-routes.ts), so importers can resolve each object they are given.

/** Where the read-only CASE 1.1 REST endpoints live. */
export const CASE_API_PATH = '/ims/case/v1p1';

// Tools re-import the packages and compare them, so nothing here comes from the clock or from
// random numbers. Move the date on whenever the framework data changes.
export const DATA_DATE = '2026-11-30T00:00:00+00:00';

type ItemType = 'Aspect' | 'Level' | 'Competency';

interface Edition {
  lang: Lang;
  /** Identifiers are UUID v5 of names under this prefix; the English ones are those in ict-cft.ts. */
  urn: string;
  title: string;
  creator: string;
  publisher: string;
  description: string;
  itemTypes: Record<ItemType, string>;
}

const EDITIONS: Record<Lang, Edition> = {
  en: {
    lang: 'en',
    urn: 'urn:ict-cft:v3',
    title: FRAMEWORK.name,
    creator: FRAMEWORK.publisher,
    publisher: FRAMEWORK.publisher,
    description: `${FRAMEWORK.citation} ${FRAMEWORK.attribution.en}`,
    itemTypes: { Aspect: 'Aspect', Level: 'Level', Competency: 'Competency' },
  },
  ru: {
    lang: 'ru',
    urn: 'urn:ict-cft:v3:ru',
    title: FRAMEWORK.russianEdition.title,
    creator: 'ЮНЕСКО',
    publisher: FRAMEWORK.russianEdition.publisher,
    description: `${FRAMEWORK.russianEdition.citation} ${FRAMEWORK.attribution.ru}`,
    itemTypes: { Aspect: 'Аспект', Level: 'Уровень', Competency: 'Компетенция' },
  },
};

/** A reference to another CASE object (LinkURI / LinkGenURI). */
export interface CaseLink {
  title: string;
  identifier: string;
  uri: string;
}

/** The identifier of an object of an edition: the document itself when `name` is empty. */
export function caseIdentifier(lang: Lang, name = ''): string {
  const urn = EDITIONS[lang].urn;
  return uuidV5(name ? `${urn}:${name}` : urn);
}

/** A CFPackage that validates against 1EdTech's CASE 1.1 schema (no CASE 1.0 fields). */
export function casePackage(baseUrl: string, lang: Lang = 'en') {
  const edition = EDITIONS[lang];
  const api = `${baseUrl}${CASE_API_PATH}`;
  const ru = lang === 'ru';
  const id = (name?: string) => caseIdentifier(lang, name);
  const link = (collection: string, identifier: string, title: string): CaseLink => ({ title, identifier, uri: `${api}/${collection}/${identifier}` });

  const document = link('CFDocuments', id(), edition.title);
  const licence = link('CFLicenses', id('licence'), FRAMEWORK.licence.name);
  const itemType = (type: ItemType) => link('CFItemTypes', id(`item-type:${type}`), edition.itemTypes[type]);
  const common = (type: ItemType) => ({
    CFItemType: edition.itemTypes[type],
    CFItemTypeURI: itemType(type),
    language: lang,
    licenseURI: licence,
    lastChangeDateTime: DATA_DATE,
  });

  const aspects = ASPECTS.map((a) => ({
    source: a,
    link: link('CFItems', id(`aspect:${a.number}`), ru ? a.titleRu : a.title),
    english: link('CFItems', caseIdentifier('en', `aspect:${a.number}`), a.title),
  }));
  const levels = LEVELS.map((l) => ({
    source: l,
    link: link('CFItems', id(`level:${l.code}`), ru ? l.titleRu : l.title),
    english: link('CFItems', caseIdentifier('en', `level:${l.code}`), l.title),
  }));
  const competencies = COMPETENCIES.map((c) => ({
    source: c,
    link: link('CFItems', id(c.code), ru ? c.titleRu : c.title),
    english: link('CFItems', caseIdentifier('en', c.code), c.title),
  }));

  const items = [
    ...aspects.map(({ source, link }) => ({
      identifier: link.identifier,
      uri: link.uri,
      fullStatement: link.title,
      humanCodingScheme: String(source.number),
      notes: source.description[lang],
      ...common('Aspect'),
    })),
    ...levels.map(({ source, link }) => ({
      identifier: link.identifier,
      uri: link.uri,
      fullStatement: link.title,
      humanCodingScheme: source.code,
      notes: source.description[lang],
      ...common('Level'),
    })),
    ...competencies.map(({ source, link }) => ({
      identifier: link.identifier,
      uri: link.uri,
      fullStatement: source.description[lang],
      abbreviatedStatement: link.title,
      humanCodingScheme: source.code,
      ...common('Competency'),
    })),
  ];

  const association = (type: string, origin: CaseLink, destination: CaseLink, sequenceNumber?: number) => {
    // For English, the very names the identifiers were first published under: they must not change.
    const identifier = uuidV5(`${edition.urn}:association:${type}:${origin.identifier}:${destination.identifier}`);
    return {
      identifier,
      uri: `${api}/CFAssociations/${identifier}`,
      associationType: type,
      originNodeURI: origin,
      destinationNodeURI: destination,
      ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
      lastChangeDateTime: DATA_DATE,
    };
  };
  const aspectOf = (number: number) => aspects.find((a) => a.source.number === number)!;
  const levelOf = (code: string) => levels.find((l) => l.source.code === code)!;
  const associations = [
    ...aspects.map((a) => association('isChildOf', a.link, document, a.source.number)),
    ...levels.map((l) => association('isChildOf', l.link, document, ASPECTS.length + l.source.order)),
    ...competencies.flatMap((c) => [
      association('isChildOf', c.link, aspectOf(c.source.aspect).link, levelOf(c.source.level).source.order),
      association('hasSkillLevel', c.link, levelOf(c.source.level).link),
    ]),
    ...(ru
      ? [
          association('isTranslationOf', document, link('CFDocuments', caseIdentifier('en'), FRAMEWORK.name)),
          ...[...aspects, ...levels, ...competencies].map((x) => association('isTranslationOf', x.link, x.english)),
        ]
      : []),
  ];

  return {
    CFDocument: {
      identifier: document.identifier,
      uri: document.uri,
      caseVersion: '1.1' as const,
      creator: edition.creator,
      title: edition.title,
      lastChangeDateTime: DATA_DATE,
      publisher: edition.publisher,
      description: edition.description,
      language: lang,
      version: FRAMEWORK.version,
      adoptionStatus: 'Adopted',
      licenseURI: licence,
    },
    CFItems: items,
    CFAssociations: associations,
    CFDefinitions: {
      CFItemTypes: (['Aspect', 'Level', 'Competency'] as const).map((type) => {
        const { identifier, uri, title } = itemType(type);
        return { identifier, uri, title, description: title, hierarchyCode: type, lastChangeDateTime: DATA_DATE };
      }),
      CFLicenses: [
        {
          identifier: licence.identifier,
          uri: licence.uri,
          title: FRAMEWORK.licence.name,
          description: FRAMEWORK.licence.url,
          licenseText: `${FRAMEWORK.attribution[lang]} ${FRAMEWORK.licence.url}`,
          lastChangeDateTime: DATA_DATE,
        },
      ],
    },
  };
}

export type CasePackage = ReturnType<typeof casePackage>;
