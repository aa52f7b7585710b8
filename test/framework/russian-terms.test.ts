import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ASPECTS, COMPETENCIES, LEVELS } from '../../server/framework/ict-cft.ts';
import { createTestApp } from '../helpers.ts';

// The Russian titles are those of UNESCO IITE's official Russian edition (2019), verbatim, as
// listed in ../shared/ict-cft.md: a ministry's report in Russian must use its terms, not ours.

const LEVELS_RU = { KA: 'Получение знаний', KD: 'Освоение знаний', KC: 'Создание знаний' };
const ASPECTS_RU = [
  'Роль ИКТ в образовательной политике',
  'Учебная программа и оценивание',
  'Педагогические практики',
  'Цифровые навыки',
  'Организация образовательного процесса и управление им',
  'Профессиональное развитие педагогов',
];
const COMPETENCIES_RU: Record<string, string> = {
  'KA.1': 'Понимание политики',
  'KD.1': 'Применение политики',
  'KC.1': 'Инновации в области политики',
  'KA.2': 'Базовые знания',
  'KD.2': 'Применение знаний',
  'KC.2': 'Навыки, необходимые в обществе знания',
  'KA.3': 'Использование ИКТ в обучении',
  'KD.3': 'Решение сложных задач',
  'KC.3': 'Самоорганизация',
  'KA.4': 'Применение',
  'KD.4': 'Интеграция',
  'KC.4': 'Трансформация',
  'KA.5': 'Традиционные формы учебной работы',
  'KD.5': 'Группы сотрудничества',
  'KC.5': 'Обучающиеся организации',
  'KA.6': 'Цифровая грамотность',
  'KD.6': 'Сетевое взаимодействие',
  'KC.6': 'Учитель как новатор',
};
const CITATION_RU = 'ИИТО ЮНЕСКО (2019). Структура ИКТ-компетентности учителей. Рекомендации ЮНЕСКО. Версия 3. ISBN 978-5-9500869-3-9.';
// Our earlier translations, which must not come back.
const OUR_OLD_TERMS = ['Приобретение знаний', 'Углубление знаний', 'Стандартный класс', 'Решение комплексных задач', 'Самоуправление'];

const ctx = await createTestApp();

describe('the official Russian terms', () => {
  it('are the data’s Russian titles, every one of them', () => {
    expect(Object.fromEntries(LEVELS.map((l) => [l.code, l.titleRu]))).toEqual(LEVELS_RU);
    expect(ASPECTS.map((a) => a.titleRu)).toEqual(ASPECTS_RU);
    expect(Object.fromEntries(COMPETENCIES.map((c) => [c.code, c.titleRu]))).toEqual(COMPETENCIES_RU);
  });

  it('GET /framework in Russian shows them, with the Russian edition cited beside the English original', async () => {
    const res = await request(ctx.app).get('/framework?lang=ru');
    expect(res.status).toBe(200);
    for (const term of [...Object.values(LEVELS_RU), ASPECTS_RU[4]!, COMPETENCIES_RU['KC.2']!, COMPETENCIES_RU['KA.5']!]) expect(res.text).toContain(term);
    for (const old of OUR_OLD_TERMS) expect(res.text).not.toContain(old);
    expect(res.text).toContain(CITATION_RU);
    expect(res.text).toContain('ISBN 978-92-3-100285-4');
    expect(res.text).toContain('/framework/case-ru.json');
  });

  it('GET /framework in English cites the Russian edition too, marked as Russian', async () => {
    const res = await request(ctx.app).get('/framework?lang=en');
    expect(res.text).toContain(`<span lang="ru">${CITATION_RU}</span>`);
  });

  it('GET /framework/:code in Russian names the competency, its level and aspect in them', async () => {
    const res = await request(ctx.app).get('/framework/KC.2?lang=ru');
    expect(res.text).toContain(COMPETENCIES_RU['KC.2']);
    expect(res.text).toContain(LEVELS_RU.KC);
    expect(res.text).toContain(ASPECTS_RU[1]);
    expect(res.text).toContain(CITATION_RU);
  });

  it('GET /framework.json gives them as titleRu, and the edition they come from', async () => {
    const { body } = await request(ctx.app).get('/framework.json');
    expect(body.levels.map((l: { titleRu: string }) => l.titleRu)).toEqual(Object.values(LEVELS_RU));
    expect(body.aspects.map((a: { titleRu: string }) => a.titleRu)).toEqual(ASPECTS_RU);
    expect(body.competencies.find((c: { code: string }) => c.code === 'KA.3').titleRu).toBe('Использование ИКТ в обучении');
    expect(body.competencies.find((c: { code: string }) => c.code === 'KD.5').titleRu).toBe('Группы сотрудничества');
    expect(body.russianEdition).toMatchObject({ isbn: '978-5-9500869-3-9', year: 2019, citation: CITATION_RU, licence: { code: 'CC-BY-SA-3.0-IGO' } });
  });

  it('GET /framework/moodle-ru.csv names aspects and competencies in them', async () => {
    const rows = parse((await request(ctx.app).get('/framework/moodle-ru.csv')).text, { columns: true }) as Record<string, string>[];
    const byId = new Map(rows.map((r) => [r.idnumber, r.shortname]));
    expect(byId.get('ICT-CFT-V3-5')).toBe(`5. ${ASPECTS_RU[4]}`);
    for (const [code, title] of Object.entries(COMPETENCIES_RU)) expect(byId.get(code)).toBe(`${code} ${title}`);
  });

  it('GET /framework/case-ru.json states them in the Russian document', async () => {
    const { body } = await request(ctx.app).get('/framework/case-ru.json');
    const byCode = new Map(
      body.CFItems.map((i: { humanCodingScheme: string; abbreviatedStatement?: string; fullStatement: string }) => [
        i.humanCodingScheme,
        i.abbreviatedStatement ?? i.fullStatement,
      ]),
    );
    for (const [code, title] of Object.entries({ ...LEVELS_RU, ...COMPETENCIES_RU })) expect(byCode.get(code)).toBe(title);
    for (const [i, title] of ASPECTS_RU.entries()) expect(byCode.get(String(i + 1))).toBe(title);
  });
});
