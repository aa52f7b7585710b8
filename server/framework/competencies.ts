/** The 18 competencies of ICT-CFT Version 3: official titles (English and the official Russian edition) and our summaries. */
import { deepFreeze } from './freeze.ts';
import type { Competency } from './ict-cft.ts';

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
    titleRu: 'Инновации в области политики',
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
    titleRu: 'Навыки, необходимые в обществе знания',
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
    titleRu: 'Использование ИКТ в обучении',
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
    titleRu: 'Решение сложных задач',
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
    titleRu: 'Самоорганизация',
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
      en: "Teachers combine a range of digital tools and resources into one coherent learning environment that supports students' inquiry, collaboration and problem-solving.",
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
    titleRu: 'Традиционные формы учебной работы',
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
    titleRu: 'Группы сотрудничества',
    description: {
      en: "Teachers organize and manage flexible collaborative group work, using digital tools to coordinate tasks, support communication and track each group's progress.",
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
      en: "Teachers take a leading role in shaping their school's technology strategy, helping the school develop as a learning organization that continually improves.",
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
