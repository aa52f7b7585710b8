/**
 * UNESCO ICT Competency Framework for Teachers (ICT-CFT), Version 3 (2018).
 *
 * Source: UNESCO (2018). UNESCO ICT Competency Framework for Teachers, Version 3.
 * Paris: UNESCO. ISBN 978-92-3-100285-4. Licensed under CC BY-SA 3.0 IGO
 * (https://creativecommons.org/licenses/by-sa/3.0/igo/).
 *
 * English titles are the framework's own names and are spelled exactly as in the
 * framework. Russian titles are the platform's translations. All descriptions are the
 * platform's own short summaries, not UNESCO text. Version 2 titles appear only as
 * crosswalk labels (the V2 licence does not allow adaptation of its text).
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

export interface CrosswalkEntry {
  v2Code: string;
  v2Title: string;
  v3Code: CompetencyCode;
}

/** Recursively freezes plain data so the exported constants cannot be mutated at run time. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
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
  uuid: string;
} = deepFreeze({
  name: 'UNESCO ICT Competency Framework for Teachers',
  shortName: 'ICT-CFT',
  version: '3',
  year: 2018,
  publisher: 'UNESCO',
  citation:
    'UNESCO (2018). UNESCO ICT Competency Framework for Teachers, Version 3. Paris: UNESCO. ISBN 978-92-3-100285-4.',
  isbn: '978-92-3-100285-4',
  licence: {
    name: 'CC BY-SA 3.0 IGO',
    code: 'CC-BY-SA-3.0-IGO',
    url: 'https://creativecommons.org/licenses/by-sa/3.0/igo/',
  },
  attribution: {
    en: 'Based on the UNESCO ICT Competency Framework for Teachers, Version 3 (UNESCO, 2018), licensed under CC BY-SA 3.0 IGO; the Russian titles are our translations and all descriptions are this platform\'s own summaries, not UNESCO text.',
    ru: 'Основано на документе ЮНЕСКО «Структура ИКТ-компетентности учителей», версия 3 (UNESCO ICT Competency Framework for Teachers, ЮНЕСКО, 2018), распространяемом по лицензии CC BY-SA 3.0 IGO; русские названия — наш перевод, а все описания — собственные краткие изложения платформы, а не текст ЮНЕСКО.',
  },
  uuid: '9d9cb40c-d11c-5032-a969-0b241781238d',
});

export const LEVELS: readonly Level[] = deepFreeze([
  {
    code: 'KA',
    order: 1,
    title: 'Knowledge Acquisition',
    titleRu: 'Приобретение знаний',
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
    titleRu: 'Углубление знаний',
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
    titleRu: 'Понимание роли ИКТ в образовательной политике',
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
    titleRu: 'Применение цифровых навыков',
    description: {
      en: 'The digital skills teachers need, from confidently using everyday hardware and software to combining tools and designing knowledge communities where technology is everywhere.',
      ru: 'Цифровые навыки, нужные учителю: от уверенной работы с распространёнными устройствами и программами до сочетания разных инструментов и создания сообществ знаний с повсеместным использованием технологий.',
    },
    uuid: '823c1419-2ffe-564a-b914-bcc19d406831',
  },
  {
    number: 5,
    title: 'Organization and Administration',
    titleRu: 'Организация и управление',
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

/** The 18 competencies, ordered by aspect, then by level (KA.1, KD.1, KC.1, KA.2, ...). */
export const COMPETENCIES: readonly Competency[] = deepFreeze([
  // Aspect 1: Understanding ICT in Education Policy
  {
    code: 'KA.1',
    level: 'KA',
    aspect: 1,
    title: 'Policy Understanding',
    titleRu: 'Понимание политики',
    description: {
      en: 'Teachers understand how their classroom practice contributes to national ICT-in-education policy and can explain the link between policy goals and everyday teaching.',
      ru: 'Учитель понимает, как его работа в классе способствует реализации национальной политики в области ИКТ в образовании, и может объяснить связь между целями этой политики и повседневным преподаванием.',
    },
    uuid: '890e1414-5ee1-566d-af3b-d6a1c7f28b02',
  },
  {
    code: 'KD.1',
    level: 'KD',
    aspect: 1,
    title: 'Policy Application',
    titleRu: 'Применение политики',
    description: {
      en: 'Teachers put ICT-in-education policy into practice, adapting its principles to the needs of their own school and classes and planning activities that serve its goals.',
      ru: 'Учитель воплощает политику в области ИКТ в образовании на практике, адаптируя её принципы к потребностям своей школы и классов и планируя работу в соответствии с её целями.',
    },
    uuid: '26c410f3-da86-5686-8544-ada91095432c',
  },
  {
    code: 'KC.1',
    level: 'KC',
    aspect: 1,
    title: 'Policy Innovation',
    titleRu: 'Инновации в политике',
    description: {
      en: 'Teachers critically assess ICT-in-education policy, reflect on its effects in schools and propose well-argued changes or improvements to it.',
      ru: 'Учитель критически оценивает политику в области ИКТ в образовании, анализирует её влияние на школу и предлагает обоснованные изменения и улучшения.',
    },
    uuid: '4c87e194-a3e9-5466-9479-4b3c573e442c',
  },
  // Aspect 2: Curriculum and Assessment
  {
    code: 'KA.2',
    level: 'KA',
    aspect: 2,
    title: 'Basic Knowledge',
    titleRu: 'Базовые знания',
    description: {
      en: 'Teachers analyze curriculum standards and identify how ICT can help students meet them, including ways of using ICT in assessment.',
      ru: 'Учитель анализирует образовательные стандарты и определяет, как ИКТ могут помочь учащимся их достичь, в том числе как использовать ИКТ при оценивании.',
    },
    uuid: 'aa8d4321-63df-59d0-8e3b-dfe9b62791f3',
  },
  {
    code: 'KD.2',
    level: 'KD',
    aspect: 2,
    title: 'Knowledge Application',
    titleRu: 'Применение знаний',
    description: {
      en: 'Teachers integrate ICT into teaching and assessing their subject, so that students apply knowledge to real situations and receive meaningful feedback on their progress.',
      ru: 'Учитель встраивает ИКТ в преподавание и оценивание по своему предмету, чтобы учащиеся применяли знания в реальных ситуациях и получали содержательную обратную связь о своих успехах.',
    },
    uuid: 'ae9fdc46-89ac-5207-b669-7cb00e967b63',
  },
  {
    code: 'KC.2',
    level: 'KC',
    aspect: 2,
    title: 'Knowledge Society Skills',
    titleRu: 'Навыки общества знаний',
    description: {
      en: 'Teachers help students develop the skills a knowledge society demands, such as collaboration, critical thinking, creativity and continuous learning, and use ICT to assess them.',
      ru: 'Учитель помогает учащимся развивать навыки, необходимые в обществе знаний (сотрудничество, критическое мышление, творчество, непрерывное обучение), и использует ИКТ для их оценки.',
    },
    uuid: '0151594f-5ff9-5d80-928d-8cf910fcbb1f',
  },
  // Aspect 3: Pedagogy
  {
    code: 'KA.3',
    level: 'KA',
    aspect: 3,
    title: 'ICT-enhanced Teaching',
    titleRu: 'Преподавание с использованием ИКТ',
    description: {
      en: 'Teachers select ICT tools and resources that fit a given teaching method and use them to make lessons clearer, more engaging and more effective.',
      ru: 'Учитель подбирает средства и ресурсы ИКТ, соответствующие выбранному методу обучения, и использует их, чтобы сделать уроки понятнее, интереснее и эффективнее.',
    },
    uuid: '24410e72-52c6-5dec-8e4e-bf8c84ddccc6',
  },
  {
    code: 'KD.3',
    level: 'KD',
    aspect: 3,
    title: 'Complex Problem-solving',
    titleRu: 'Решение комплексных задач',
    description: {
      en: 'Teachers design ICT-supported, project-based activities in which students investigate complex real-world problems, working together and drawing on knowledge from several subjects.',
      ru: 'Учитель разрабатывает проектные задания с поддержкой ИКТ, в которых учащиеся совместно исследуют сложные проблемы реального мира, опираясь на знания из разных предметов.',
    },
    uuid: '4d370df0-d893-58f0-9edb-d85f34218d61',
  },
  {
    code: 'KC.3',
    level: 'KC',
    aspect: 3,
    title: 'Self-management',
    titleRu: 'Самоуправление',
    description: {
      en: 'Teachers create collaborative, student-centred learning environments in which students plan, monitor and evaluate their own learning with the help of ICT.',
      ru: 'Учитель создаёт ориентированную на учащихся среду совместного обучения, в которой учащиеся с помощью ИКТ сами планируют, отслеживают и оценивают своё обучение.',
    },
    uuid: '0d06b897-c14e-5603-8864-87b338072923',
  },
  // Aspect 4: Application of Digital Skills
  {
    code: 'KA.4',
    level: 'KA',
    aspect: 4,
    title: 'Application',
    titleRu: 'Применение',
    description: {
      en: 'Teachers confidently use common hardware, software and online services for teaching, communication and routine tasks, and help students use them safely.',
      ru: 'Учитель уверенно пользуется распространёнными устройствами, программами и онлайн-сервисами для преподавания, общения и повседневных задач и помогает учащимся безопасно работать с ними.',
    },
    uuid: '517e2e0b-eb47-5349-af67-6334a5382592',
  },
  {
    code: 'KD.4',
    level: 'KD',
    aspect: 4,
    title: 'Infusion',
    titleRu: 'Интеграция',
    description: {
      en: 'Teachers combine a range of digital tools and resources into one coherent learning environment that supports students\' inquiry, collaboration and problem-solving.',
      ru: 'Учитель объединяет разнообразные цифровые инструменты и ресурсы в целостную учебную среду, которая поддерживает исследовательскую деятельность учащихся, их сотрудничество и решение задач.',
    },
    uuid: '2709fc41-2c68-569b-9503-c631a5f6b403',
  },
  {
    code: 'KC.4',
    level: 'KC',
    aspect: 4,
    title: 'Transformation',
    titleRu: 'Трансформация',
    description: {
      en: 'Teachers design and sustain knowledge communities in which pervasive digital tools let students and teachers build, share and refine knowledge together.',
      ru: 'Учитель создаёт и поддерживает сообщества знаний, в которых повсеместно используемые цифровые инструменты позволяют учащимся и учителям совместно создавать, распространять и совершенствовать знания.',
    },
    uuid: 'a71cb04f-b947-5e86-b946-044d872d0269',
  },
  // Aspect 5: Organization and Administration
  {
    code: 'KA.5',
    level: 'KA',
    aspect: 5,
    title: 'Standard Classroom',
    titleRu: 'Стандартный класс',
    description: {
      en: 'Teachers arrange the classroom and its digital resources so that technology supports learning for all students, including those with different needs and backgrounds.',
      ru: 'Учитель организует класс и его цифровые ресурсы так, чтобы технологии поддерживали обучение всех учащихся, включая детей с различными потребностями и из разной социальной среды.',
    },
    uuid: 'c0d73923-e055-5b44-b46e-704c30ac9cf5',
  },
  {
    code: 'KD.5',
    level: 'KD',
    aspect: 5,
    title: 'Collaborative Groups',
    titleRu: 'Группы совместной работы',
    description: {
      en: 'Teachers organize and manage flexible collaborative group work, using digital tools to coordinate tasks, support communication and track each group\'s progress.',
      ru: 'Учитель организует гибкую совместную работу в группах и управляет ею, используя цифровые инструменты для распределения задач, поддержки общения и отслеживания успехов каждой группы.',
    },
    uuid: '8c2ef24b-7303-584b-aeab-2a7920b0911b',
  },
  {
    code: 'KC.5',
    level: 'KC',
    aspect: 5,
    title: 'Learning Organizations',
    titleRu: 'Обучающиеся организации',
    description: {
      en: 'Teachers take a leading role in shaping their school\'s technology strategy, helping the school develop as a learning organization that continually improves.',
      ru: 'Учитель играет ведущую роль в формировании технологической стратегии школы, помогая ей развиваться как обучающаяся организация, которая постоянно совершенствуется.',
    },
    uuid: '062c6fb4-f938-52b3-94cd-c095ddc88a3f',
  },
  // Aspect 6: Teacher Professional Learning
  {
    code: 'KA.6',
    level: 'KA',
    aspect: 6,
    title: 'Digital Literacy',
    titleRu: 'Цифровая грамотность',
    description: {
      en: 'Teachers use ICT for their own professional development, finding online courses, resources and information that help them improve their knowledge and practice.',
      ru: 'Учитель использует ИКТ для собственного профессионального развития, находя онлайн-курсы, ресурсы и информацию, которые помогают ему совершенствовать знания и практику.',
    },
    uuid: '6aa7531e-d109-5943-b5bf-81784867a734',
  },
  {
    code: 'KD.6',
    level: 'KD',
    aspect: 6,
    title: 'Networking',
    titleRu: 'Сетевое взаимодействие',
    description: {
      en: 'Teachers take part in professional networks and online communities, exchanging ideas and resources with colleagues and drawing on them to support their own learning.',
      ru: 'Учитель участвует в профессиональных сетях и онлайн-сообществах, обменивается идеями и ресурсами с коллегами и использует эти связи для собственного обучения.',
    },
    uuid: '58d16508-8fb5-5f33-839a-b4d7a599611a',
  },
  {
    code: 'KC.6',
    level: 'KC',
    aspect: 6,
    title: 'Teacher as Innovator',
    titleRu: 'Учитель как новатор',
    description: {
      en: 'Teachers act as innovators: they experiment with new practices, reflect on the results, coach colleagues and share what works with the wider professional community.',
      ru: 'Учитель выступает как новатор: экспериментирует с новыми практиками, анализирует результаты, наставляет коллег и делится удачным опытом с широким профессиональным сообществом.',
    },
    uuid: '0a8c35f0-605a-537e-b2cd-e7461b891c78',
  },
] as const satisfies readonly Competency[]);

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

const COMPETENCIES_BY_CODE: ReadonlyMap<string, Competency> = new Map(
  COMPETENCIES.map((competency): [string, Competency] => [competency.code, competency]),
);

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
