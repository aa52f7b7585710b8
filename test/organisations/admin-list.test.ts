import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { entryWithCode, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { makeUser, userAgent } from '../helpers.ts';
import { asAdmin, BASIC, uploadList } from './admin-support.ts';

describe('GET /admin/organisations', () => {
  it('lists entries with names, code, kind, parent and people, and drills down from a country', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, `${BASIC}\ncountry,KZ,Kazakhstan,Казахстан,`, { action: 'confirm' });
    const school = (await entryWithCode(db, 'school', '1401'))!;
    const russia = (await entryWithCode(db, 'country', 'RU'))!;
    const sakha = (await entryWithCode(db, 'region', 'RU-SA'))!;
    await setPersonOrganisation(db, (await makeUser(db)).id, (await findOrganisation(db, school))!, 'en');
    const all = await agent.get('/admin/organisations');
    expect(all.status).toBe(200);
    expect(all.text).toContain('5 entries');
    expect(all.text).toMatch(
      /Tiksi School No. 1<\/td>\s*<td lang="ru">Тиксинская СОШ № 1<\/td>\s*<td>1401<\/td>\s*<td>School<\/td>\s*<td><a href="\/admin\/organisations\?parent=\d+">Sakha \(Yakutia\)<\/a><\/td>\s*<td class="num">1<\/td>/,
    );
    const inRussia = await agent.get(`/admin/organisations?parent=${russia}`);
    expect(inRussia.text).toContain('1 entry');
    expect(inRussia.text).toContain('Sakha (Yakutia)');
    expect(inRussia.text).toContain(`href="/admin/organisations?parent=${sakha}"`);
    const inSakha = await agent.get(`/admin/organisations?parent=${sakha}`);
    expect(inSakha.text).toContain('2 entries');
    expect(inSakha.text).not.toContain('Kazakhstan');
    const found = await agent.get(`/admin/organisations?q=${encodeURIComponent('тикси')}`);
    expect(found.text).toContain('1 entry');
    expect(found.text).toContain('Tiksi School No. 1');
    const countries = await agent.get('/admin/organisations?kind=country');
    expect(countries.text).toContain('2 entries');
    const fragment = await agent.get('/admin/organisations?kind=school').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(fragment.text.trim().startsWith('<div id="organisations-table">')).toBe(true);
  });

  it('pages 50 entries at a time', async () => {
    const { agent } = await asAdmin();
    const rows = Array.from({ length: 55 }, (_, i) => `school,S${i},School ${String(i).padStart(2, '0')},,`);
    await uploadList(agent, ['kind,code,name_en', ...rows].join('\n'), { action: 'confirm' });
    const first = await agent.get('/admin/organisations');
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('School 49');
    expect(first.text).not.toContain('School 50');
    expect((await agent.get('/admin/organisations?page=2')).text).toContain('School 54');
  });
});

describe('access to /admin/organisations', () => {
  const pages = [
    '/admin/organisations',
    '/admin/organisations/import',
    '/admin/organisations/unmatched',
    '/admin/organisations/1',
    '/admin/organisations/import/template.csv',
  ];
  it('refuses teachers and trainers (403) and sends visitors to sign in', async () => {
    const { db, app, agent, config } = await asAdmin();
    await uploadList(agent, BASIC, { action: 'confirm' });
    const ctx = { db, app, config };
    for (const roles of [[], ['trainer']] as const) {
      const other = (await userAgent(ctx, { roles: [...roles] })).agent;
      for (const path of pages) expect((await other.get(path)).status, `${roles} ${path}`).toBe(403);
      for (const path of ['/admin/organisations/import', '/admin/organisations/unmatched/auto', '/admin/organisations/1/merge', '/admin/organisations/1']) {
        expect((await other.post(path).type('form').send({ target: '2', confirm: 'yes', nameEn: 'x' })).status, `${roles} ${path}`).toBe(403);
      }
    }
    for (const path of pages) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await findOrganisation(db, 1))!.nameEn).toBe('Russia');
  });
});

describe('the registry pages in Russian', () => {
  it('translate every string (no key shows through)', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, `${BASIC}\nschool,1401,Dup,,RU-SA`, { action: 'confirm' });
    await makeUser(db, { school: 'Школа', country: 'Россия' });
    const school = (await entryWithCode(db, 'school', '1401'))!;
    await agent.get('/admin/organisations?lang=ru');
    const ru = agent;
    const pages = [
      await ru.get('/admin/organisations'),
      await ru.get('/admin/organisations/import'),
      await ru.get('/admin/organisations/unmatched'),
      await ru.get(`/admin/organisations/${school}`),
      await ru.get(`/admin/organisations/${school}/merge?q=${encodeURIComponent('лицей')}`),
      await ru.get(`/admin/organisations/unmatched/map?school=${encodeURIComponent('Школа')}&country=${encodeURIComponent('Россия')}&q=school`),
      await uploadList(ru, `${BASIC}\nschool,1401,Dup,,RU-SA\ntown,,X,,`),
      await ru.post(`/admin/organisations/${school}/merge`).type('form').send({ target: '1' }),
    ];
    for (const page of pages) {
      expect(page.text).toContain('lang="ru"');
      expect(page.text).not.toMatch(/\badmin\.[a-z]+\.[a-zA-Z.]+/);
    }
    expect(pages[0]!.text).toContain('Реестр организаций');
    expect(pages[6]!.text).toContain('Строка 7, тип: Неизвестный тип «town»');
  });
});
