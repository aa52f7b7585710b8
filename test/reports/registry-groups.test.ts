import { beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { addEvidence, adminAgent, pageGroups, pageSummary } from './fixtures.ts';

// Reports group places by the registry: people linked to an entry count in it whatever language
// their profile shows it in; people not linked yet are grouped by what they typed, and said so.

describe('compliance report over the organisation registry', () => {
  let ctx: TestContext;
  let admin: Awaited<ReturnType<typeof adminAgent>>;
  const ids = { russia: 0, sakha: 0, tiksi: 0, norway: 0 };
  beforeAll(async () => {
    ctx = await createTestApp();
    const { db } = ctx;
    admin = await adminAgent(ctx);
    ids.russia = await createOrganisation(db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    ids.sakha = await createOrganisation(db, { kind: 'region', parentId: ids.russia, code: 'RU-SA', nameEn: 'Sakha (Yakutia)', nameRu: 'Якутия' });
    ids.tiksi = await createOrganisation(db, { kind: 'school', parentId: ids.sakha, code: '1401', nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1' });
    ids.norway = await createOrganisation(db, { kind: 'country', parentId: null, code: 'NO', nameEn: 'Norway', nameRu: 'Норвегия' });
    const tiksi = (await findOrganisation(db, ids.tiksi))!;
    // Two teachers of the same school, one seeing it in Russian and one in English.
    const olga = await makeUser(db, { name: 'Olga', language: 'ru' });
    const tom = await makeUser(db, { name: 'Tom', language: 'en' });
    await setPersonOrganisation(db, olga.id, tiksi, 'ru');
    await setPersonOrganisation(db, tom.id, tiksi, 'en');
    // A teacher linked to a country only, and one who typed "Россия" and is not linked yet.
    const nils = await makeUser(db, { name: 'Nils' });
    await setPersonOrganisation(db, nils.id, (await findOrganisation(db, ids.norway))!, 'en');
    const typed = await makeUser(db, { name: 'Typed', school: 'Tiksi school', region: 'Якутия', country: 'Россия' });
    await addEvidence(db, olga.id, 'KA.1', '2024-03-01T10:00:00Z');
    await addEvidence(db, tom.id, 'KA.1', '2024-03-01T10:00:00Z');
    await addEvidence(db, tom.id, 'KA.2', '2024-03-01T10:00:00Z');
    await addEvidence(db, typed.id, 'KA.2', '2024-03-01T10:00:00Z');
  });

  it('counts a country once whatever language its members see it in, typed values apart and marked', async () => {
    const en = await admin.get('/admin/reports/compliance?group=country');
    const groups = pageGroups(en.text);
    expect(groups.get(`org:${ids.russia}`)?.teachers).toBe(2);
    expect(groups.get(`org:${ids.norway}`)?.teachers).toBe(1);
    expect(groups.get('Россия')?.teachers).toBe(1); // typed, not linked
    expect(groups.size).toBe(3);
    expect(en.text).toContain(`>Russia</a>`);
    expect(en.text).toContain('Россия <span class="small muted">(typed by teachers, not in the registry)</span>');
    const ru = await admin.get('/admin/reports/compliance?group=country&lang=ru');
    expect(ru.text).toContain(`>Россия</a>`);
    await admin.get('/?lang=en'); // the language sticks to the session's cookie
  });

  it('drills down country → region → school → teachers, keeping the figures of the people below', async () => {
    const byCountry = await admin.get('/admin/reports/compliance?group=country');
    expect(byCountry.text).toContain(`href="/admin/reports/compliance?place=${ids.russia}&amp;group=region`);
    const russia = await admin.get(`/admin/reports/compliance?place=${ids.russia}&group=region`);
    expect(russia.status).toBe(200);
    // Olga and Tom: KA.1 both, KA.2 Tom.
    const { teachers, figures } = pageSummary(russia.text);
    expect(teachers).toBe(2);
    expect(figures['KA.1']).toEqual([2, 100]);
    expect(figures['KA.2']).toEqual([1, 50]);
    expect([...pageGroups(russia.text).keys()]).toEqual([`org:${ids.sakha}`]);
    expect(russia.text).toContain('Place: Russia');
    expect(russia.text).toMatch(/<nav class="place-trail"[\s\S]*All places[\s\S]*aria-current="page">Russia</);
    const sakha = await admin.get(`/admin/reports/compliance?place=${ids.sakha}&group=school`);
    expect(sakha.text).toContain(`href="/admin/reports/compliance/teachers?place=${ids.tiksi}"`);
    const teachers2 = await admin.get(`/admin/reports/compliance/teachers?place=${ids.tiksi}`);
    expect(teachers2.text).toContain('Olga');
    expect(teachers2.text).toContain('Tom');
    expect(teachers2.text).not.toContain('Nils');
    expect(teachers2.text).toMatch(/Russia<\/a>[\s\S]*Sakha \(Yakutia\)<\/a>[\s\S]*aria-current="page">Tiksi School No. 1</);
  });

  it('answers 422 for a place that is not in the registry, and the exports carry the place', async () => {
    expect((await admin.get('/admin/reports/compliance?place=999999')).status).toBe(422);
    const json = (await admin.get(`/admin/reports/compliance?place=${ids.russia}&group=region&format=json`)).body;
    expect(json.metadata.teachers).toBe(2);
    expect(json.metadata.filters).toContainEqual({ field: 'place', label: 'Place', value: 'Russia' });
  });
});
