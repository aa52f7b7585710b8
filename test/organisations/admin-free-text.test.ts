import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { entriesNamed } from '../../server/organisations/queries.ts';
import { makeUser } from '../helpers.ts';
import { asAdmin, BASIC, uploadList } from './admin-support.ts';

async function person(db: Parameters<typeof makeUser>[0], id: number) {
  const [row] = await db
    .select({ organisationId: users.organisationId, school: users.school, region: users.region, country: users.country })
    .from(users)
    .where(eq(users.id, id));
  return row!;
}

describe('free-text migration (/admin/organisations/unmatched)', () => {
  it('lists unlinked people grouped by what they typed, most people first', async () => {
    const { db, agent } = await asAdmin();
    for (let i = 0; i < 3; i++) await makeUser(db, { school: 'Lyceum 2', region: 'Yakutia' });
    await makeUser(db, { country: 'Россия' });
    const page = await agent.get('/admin/organisations/unmatched');
    expect(page.status).toBe(200);
    expect(page.text).toContain('4 people in 2 groups.');
    expect(page.text).toMatch(/Lyceum 2[\s\S]*?<td class="num">3<\/td>[\s\S]*?Россия[\s\S]*?<td class="num">1<\/td>/);
  });

  it('links exact matches: Russia and Россия end in the same country, an ambiguous or contradicted school stays unlinked', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, `${BASIC}\nregion,RU-MO,Moscow Region,Московская область,RU\nschool,5001,Lyceum 2,Лицей № 2,RU-MO\n`, { action: 'confirm' });
    const en = await makeUser(db, { country: 'Russia' });
    const ru = await makeUser(db, { country: 'россия', language: 'ru' });
    const tiksi = await makeUser(db, { school: 'tiksi school no 1', region: 'Республика Саха (Якутия)', country: 'Russia', language: 'ru' });
    const wrongRegion = await makeUser(db, { school: 'Tiksi School No. 1', region: 'Moscow Region' });
    const ambiguous = await makeUser(db, { school: 'Lyceum 2' });
    const placed = await makeUser(db, { school: 'Лицей № 2', region: 'Московская область' });
    const res = await agent.post('/admin/organisations/unmatched/auto');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/organisations/unmatched?notice=linked&count=4');
    const [russia] = await entriesNamed(db, 'country', 'Russia');
    const [tiksiId] = await entriesNamed(db, 'school', 'Tiksi School No. 1');
    expect(await person(db, en.id)).toMatchObject({ organisationId: russia, country: 'Russia' });
    expect(await person(db, ru.id)).toMatchObject({ organisationId: russia, country: 'Россия' });
    expect(await person(db, tiksi.id)).toEqual({
      organisationId: tiksiId,
      school: 'Тиксинская СОШ № 1',
      region: 'Республика Саха (Якутия)',
      country: 'Россия',
    });
    expect((await person(db, wrongRegion.id)).organisationId).toBeNull();
    expect((await person(db, ambiguous.id)).organisationId).toBeNull();
    expect((await person(db, placed.id)).organisationId).toBe((await entriesNamed(db, 'school', 'Lyceum 2')).at(-1));
    const page = await agent.get(res.headers.location!);
    expect(page.text).toContain('4 people linked.');
    expect(page.text).toContain('2 people in 2 groups.');
  });

  it('links exact matches when the registry is imported', async () => {
    const { db, agent } = await asAdmin();
    const teacher = await makeUser(db, { school: 'Тиксинская СОШ № 1' });
    const done = await uploadList(agent, BASIC, { action: 'confirm' });
    expect(done.text).toContain('1 person linked to the registry by the name they typed.');
    expect((await person(db, teacher.id)).organisationId).toBe((await entriesNamed(db, 'school', 'Tiksi School No. 1'))[0]);
  });

  it('maps a group to the chosen entry and remembers the typed name', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, BASIC, { action: 'confirm' });
    const a = await makeUser(db, { school: 'Tiksi SOSH one', region: 'Yakutia' });
    const b = await makeUser(db, { school: 'Tiksi SOSH one', region: 'Yakutia', language: 'ru' });
    const other = await makeUser(db, { school: 'Tiksi SOSH one' });
    const [tiksiId] = await entriesNamed(db, 'school', 'Tiksi School No. 1');
    const search = await agent.get(`/admin/organisations/unmatched/map?school=${encodeURIComponent('Tiksi SOSH one')}&region=Yakutia&country=&q=tiksi`);
    expect(search.status).toBe(200);
    expect(search.text).toContain(`value="${tiksiId}"`);
    expect(search.text).toContain('Tiksi School No. 1 — Sakha (Yakutia), Russia');
    const missing = await agent.post('/admin/organisations/unmatched/map').type('form').send({ school: 'Tiksi SOSH one', region: 'Yakutia', country: '' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Choose an entry first.');
    const res = await agent
      .post('/admin/organisations/unmatched/map')
      .type('form')
      .send({ school: 'Tiksi SOSH one', region: 'Yakutia', country: '', organisation: String(tiksiId) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/organisations/unmatched?notice=mapped&count=2');
    expect((await person(db, a.id)).organisationId).toBe(tiksiId);
    expect(await person(db, b.id)).toMatchObject({ organisationId: tiksiId, school: 'Тиксинская СОШ № 1' });
    // Only the exact typed text was mapped; the alias now links the rest automatically.
    expect((await person(db, other.id)).organisationId).toBeNull();
    expect(await entriesNamed(db, 'school', 'tiksi sosh ONE')).toEqual([tiksiId]);
    await agent.post('/admin/organisations/unmatched/auto');
    expect((await person(db, other.id)).organisationId).toBe(tiksiId);
  });
});
