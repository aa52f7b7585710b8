/**
 * UNESCO ICT Competency Framework for Teachers (ICT-CFT), Version 3 (2018).
 *
 * Source: UNESCO (2018). UNESCO ICT Competency Framework for Teachers, Version 3.
 * Paris: UNESCO. ISBN 978-92-3-100285-4. Licensed under CC BY-SA 3.0 IGO
 * (https://creativecommons.org/licenses/by-sa/3.0/igo/).
 *
 * Russian titles are those of the official Russian edition: «Структура ИКТ-компетентности
 * учителей. Рекомендации ЮНЕСКО. Версия 3» (UNESCO IITE, 2019, ISBN 978-5-9500869-3-9,
 * CC BY-SA 3.0 IGO); reports to Russian-speaking ministries must use its terms, not ours.
 *
 * English titles are the framework's own names and are spelled exactly as in the
 * framework. All descriptions are the platform's own short summaries, not UNESCO text.
 * Version 2 titles appear only as crosswalk labels (the V2 licence does not allow
 * adaptation of its text).
 *
 * UUIDs are RFC 4122 version 5 (SHA-1) identifiers in the URL namespace
 * (6ba7b811-9dad-11d1-80b4-00c04fd430c8) over the names "urn:ict-cft:v3",
 * "urn:ict-cft:v3:level:<KA|KD|KC>", "urn:ict-cft:v3:aspect:<1-6>" and
 * "urn:ict-cft:v3:<LEVEL>.<ASPECT>". They were generated once and are hard-coded:
 * never change them.
 */

export type Lang = 'en' | 'ru';
export type LevelCode = 'KA' | 'KD' | 'KC';
export type CompetencyCode = `${LevelCode}.${1 | 2 | 3 | 4 | 5 | 6}`;

export interface Localized {
  en: string;
  ru: string;
}

export interface Level {
  code: LevelCode;
  order: number;
  title: string;
  titleRu: string;
  description: Localized;
  uuid: string;
}

export interface Aspect {
  number: 1 | 2 | 3 | 4 | 5 | 6;
  title: string;
  titleRu: string;
  description: Localized;
  uuid: string;
}

export interface Competency {
  code: CompetencyCode;
  level: LevelCode;
  aspect: Aspect['number'];
  title: string;
  titleRu: string;
  description: Localized;
  uuid: string;
}

import { COMPETENCIES } from './competencies.ts';
import { deepFreeze } from './freeze.ts';

export { COMPETENCIES };

export interface CrosswalkEntry {
  v2Code: string;
  v2Title: string;
  v3Code: CompetencyCode;
}

export const FRAMEWORK: {
  name: string;
  shortName: string;
  version: string;
  year: number;
  publisher: string;
  citation: string;
  isbn: string;
  licence: { name: string; code: string; url: string };
  attribution: Localized;
  russianEdition: { title: string; year: number; publisher: string; isbn: string; citation: string };
  uuid: string;
} = deepFreeze({
  name: 'UNESCO ICT Competency Framework for Teachers',
  shortName: 'ICT-CFT',
  version: '3',
  year: 2018,
  publisher: 'UNESCO',
  citation: 'UNESCO (2018). UNESCO ICT Competency Framework for Teachers, Version 3. Paris: UNESCO. ISBN 978-92-3-100285-4.',
  isbn: '978-92-3-100285-4',
  licence: {
    name: 'CC BY-SA 3.0 IGO',
    code: 'CC-BY-SA-3.0-IGO',
    url: 'https://creativecommons.org/licenses/by-sa/3.0/igo/',
  },
  attribution: {
    en: "Based on the UNESCO ICT Competency Framework for Teachers, Version 3 (UNESCO, 2018), licensed under CC BY-SA 3.0 IGO; the Russian titles are those of its official Russian edition (UNESCO IITE, 2019), and all descriptions are this platform's own summaries, not UNESCO text.",
    ru: 'Основано на документе «Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3» (ИИТО ЮНЕСКО, 2019; оригинал: UNESCO ICT Competency Framework for Teachers, Version 3, ЮНЕСКО, 2018), распространяемом по лицензии CC BY-SA 3.0 IGO; названия уровней, аспектов и компетенций приведены по этому официальному русскому изданию, а все описания — собственные краткие изложения платформы, а не текст ЮНЕСКО.',
  },
  russianEdition: {
    title: 'Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3',
    year: 2019,
    publisher: 'ИИТО ЮНЕСКО',
    isbn: '978-5-9500869-3-9',
    citation: 'ИИТО ЮНЕСКО (2019). Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3. ISBN 978-5-9500869-3-9.',
  },
  uuid: '9d9cb40c-d11c-5032-a969-0b241781238d',
});

export const LEVELS: readonly Level[] = deepFreeze([
  {
    code: 'KA',
    order: 1,
    title: 'Knowledge Acquisition',
    titleRu: 'Получение знаний',
    description: {
      en: 'Teachers use ICT to help students take in subject knowledge efficiently, relying on common digital tools within familiar classroom practice and the existing curriculum.',
      ru: 'Учителя используют ИКТ, чтобы помочь учащимся эффективно усваивать предметные знания, опираясь на распространённые цифровые инструменты в рамках привычной практики и действующей учебной программы.',
    },
    uuid: '3d38c57e-bf06-5b18-a9b7-bccf0c68a8d9',
  },
  {
    code: 'KD',
    order: 2,
    title: 'Knowledge Deepening',
    titleRu: 'Освоение знаний',
    description: {
      en: 'Teachers apply ICT so that students use what they know to tackle complex, real-world problems through collaborative, project-based work across subjects.',
      ru: 'Учителя применяют ИКТ, чтобы учащиеся использовали полученные знания для решения сложных практических задач в совместной проектной работе, в том числе на стыке предметов.',
    },
    uuid: 'f325993c-fe8a-5329-bd97-bdba2f26e500',
  },
  {
    code: 'KC',
    order: 3,
    title: 'Knowledge Creation',
    titleRu: 'Создание знаний',
    description: {
      en: 'Teachers and students use ICT to generate new knowledge, innovate and keep learning, turning classrooms and schools into communities that learn continuously.',
      ru: 'Учителя и учащиеся используют ИКТ, чтобы создавать новые знания, внедрять новшества и постоянно учиться, превращая классы и школы в непрерывно обучающиеся сообщества.',
    },
    uuid: '103b2bc3-2649-5861-8bfd-32e38058a5cf',
  },
] as const satisfies readonly Level[]);

export const ASPECTS: readonly Aspect[] = deepFreeze([
  {
    number: 1,
    title: 'Understanding ICT in Education Policy',
    titleRu: 'Роль ИКТ в образовательной политике',
    description: {
      en: 'How teachers relate their classroom practice to national ICT-in-education policy, from understanding its aims to adapting it locally and helping to reshape it.',
      ru: 'Как учитель соотносит свою работу в классе с национальной политикой в области ИКТ в образовании: от понимания её целей до адаптации в школе и участия в её пересмотре.',
    },
    uuid: '84a7bf8a-a698-524f-a40d-f31193b25165',
  },
  {
    number: 2,
    title: 'Curriculum and Assessment',
    titleRu: 'Учебная программа и оценивание',
    description: {
      en: 'How ICT supports the curriculum and assessment, from linking tools to curriculum standards to embedding them in subject teaching and developing knowledge-society skills.',
      ru: 'Как ИКТ поддерживают учебную программу и оценивание: от связи инструментов с образовательными стандартами до их встраивания в преподавание предметов и развития навыков общества знаний.',
    },
    uuid: '45405c97-e191-54a8-83f9-dfd2a4ca858d',
  },
  {
    number: 3,
    title: 'Pedagogy',
    titleRu: 'Педагогические практики',
    description: {
      en: 'How teachers use ICT in their teaching methods, moving from well-chosen tools for existing methods toward project-based, student-centred and self-directed learning.',
      ru: 'Как учитель использует ИКТ в методах обучения: от удачного подбора инструментов к привычным методам до проектного, ориентированного на учащихся и самостоятельного обучения.',
    },
    uuid: '6fdeed53-4691-5158-9ce5-54563fbcfce9',
  },
  {
    number: 4,
    title: 'Application of Digital Skills',
    titleRu: 'Цифровые навыки',
    description: {
      en: 'The digital skills teachers need, from confidently using everyday hardware and software to combining tools and designing knowledge communities where technology is everywhere.',
      ru: 'Цифровые навыки, нужные учителю: от уверенной работы с распространёнными устройствами и программами до сочетания разных инструментов и создания сообществ знаний с повсеместным использованием технологий.',
    },
    uuid: '823c1419-2ffe-564a-b914-bcc19d406831',
  },
  {
    number: 5,
    title: 'Organization and Administration',
    titleRu: 'Организация образовательного процесса и управление им',
    description: {
      en: 'How teachers organize digital resources, learning spaces and groups, from an inclusive technology-supported classroom to collaborative group work and a school-wide technology strategy.',
      ru: 'Как учитель организует цифровые ресурсы, учебное пространство и работу групп: от инклюзивного класса с технологической поддержкой до совместной групповой работы и технологической стратегии всей школы.',
    },
    uuid: '88d52590-7cfb-5979-92d6-444aec101b33',
  },
  {
    number: 6,
    title: 'Teacher Professional Learning',
    titleRu: 'Профессиональное развитие педагогов',
    description: {
      en: 'How teachers use ICT for their own professional growth, from individual self-development to active participation in networks and leading innovation in practice.',
      ru: 'Как учитель использует ИКТ для собственного профессионального роста: от самостоятельного развития до активного участия в профессиональных сетях и лидерства во внедрении инноваций.',
    },
    uuid: '1e548c71-0cf0-5eab-b82e-f2fb1824d8de',
  },
] as const satisfies readonly Aspect[]);

/**
 * Version 2 (2011) module codes and titles mapped to Version 3 competencies.
 * V2 titles are crosswalk labels only. Note: "Policy understanding" is the V2
 * Knowledge Deepening title (KD.1), which maps to V3 KD.1 Policy Application,
 * not to V3 KA.1 Policy Understanding.
 */
export const CROSSWALK_V2: readonly CrosswalkEntry[] = deepFreeze([
  { v2Code: 'TL.1', v2Title: 'Policy awareness', v3Code: 'KA.1' },
  { v2Code: 'KD.1', v2Title: 'Policy understanding', v3Code: 'KD.1' },
  { v2Code: 'KC.1', v2Title: 'Policy innovation', v3Code: 'KC.1' },
  { v2Code: 'TL.2', v2Title: 'Basic knowledge', v3Code: 'KA.2' },
  { v2Code: 'KD.2', v2Title: 'Knowledge application', v3Code: 'KD.2' },
  { v2Code: 'KC.2', v2Title: 'Knowledge society skills', v3Code: 'KC.2' },
  { v2Code: 'TL.3', v2Title: 'Integrate technology', v3Code: 'KA.3' },
  { v2Code: 'KD.3', v2Title: 'Complex problem solving', v3Code: 'KD.3' },
  { v2Code: 'KC.3', v2Title: 'Self management', v3Code: 'KC.3' },
  { v2Code: 'TL.4', v2Title: 'Basic tools', v3Code: 'KA.4' },
  { v2Code: 'KD.4', v2Title: 'Complex tools', v3Code: 'KD.4' },
  { v2Code: 'KC.4', v2Title: 'Pervasive tools', v3Code: 'KC.4' },
  { v2Code: 'TL.5', v2Title: 'Standard classroom', v3Code: 'KA.5' },
  { v2Code: 'KD.5', v2Title: 'Collaborative groups', v3Code: 'KD.5' },
  { v2Code: 'KC.5', v2Title: 'Learning organizations', v3Code: 'KC.5' },
  { v2Code: 'TL.6', v2Title: 'Digital literacy', v3Code: 'KA.6' },
  { v2Code: 'KD.6', v2Title: 'Manage and guide', v3Code: 'KD.6' },
  { v2Code: 'KC.6', v2Title: 'Teacher as model learner', v3Code: 'KC.6' },
] as const satisfies readonly CrosswalkEntry[]);

const COMPETENCY_CODE_PATTERN = /^K[ADC]\.[1-6]$/;

const COMPETENCIES_BY_CODE: ReadonlyMap<string, Competency> = new Map(COMPETENCIES.map((competency): [string, Competency] => [competency.code, competency]));

/** Looks up a competency by its exact code, e.g. "KD.3"; undefined if unknown. */
export function competencyByCode(code: string): Competency | undefined {
  return COMPETENCIES_BY_CODE.get(code);
}

/** True when `code` is one of the 18 V3 competency codes (exact, case-sensitive). */
export function isCompetencyCode(code: string): code is CompetencyCode {
  return COMPETENCY_CODE_PATTERN.test(code);
}

/** Picks the Russian text when `lang` starts with "ru" (any case, e.g. "ru-RU"), else English. */
export function localized(text: Localized, lang: string): string {
  return lang.toLowerCase().startsWith('ru') ? text.ru : text.en;
}

/** A competency's title in the reader's language (the code itself when unknown). */
export function competencyTitle(code: string, lang: string): string {
  const c = competencyByCode(code);
  if (!c) return code;
  return lang.toLowerCase().startsWith('ru') ? c.titleRu : c.title;
}
