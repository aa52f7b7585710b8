import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations, users } from '../../server/db/schema.ts';
import { entriesNamed, entryWithCode, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { makeUser } from '../helpers.ts';
import { asAdmin, BASIC, uploadList } from './admin-support.ts';

async function setup() {
  const ctx = await asAdmin();
  await uploadList(ctx.agent, `${BASIC}\ncountry,KZ,Kazakhstan,Казахстан,\nregion,KZ-AL,Almaty Region,,KZ`, { action: 'confirm' });
  const code = async (kind: 'country' | 'region' | 'school', c: string) => (await entryWithCode(ctx.db, kind, c))!;
  return { ...ctx, code };
}

describe('GET/POST /admin/organisations/:id', () => {
  it('edits names, code and parent; people stay linked and old names still match', async () => {
    const { db, agent, code } = await setup();
    const school = await code('school', '1401');
    const teacher = await makeUser(db);
    await setPersonOrganisation(db, teacher.id, (await findOrganisation(db, school))!, 'en');
    const page = await agent.get(`/admin/organisations/${school}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('1 person belongs to this entry.');
    expect(page.text).toContain('value="Tiksi School No. 1"');
    const almaty = await code('region', 'KZ-AL');
    const res = await agent
      .post(`/admin/organisations/${school}`)
      .type('form')
      .send({ nameEn: 'Tiksi School One', nameRu: '', code: 'T-1', parentId: String(almaty) });
    expect(res.status).toBe(303);
    expect(await findOrganisation(db, school)).toMatchObject({ nameEn: 'Tiksi School One', nameRu: '', code: 'T-1', parentId: almaty });
    expect((await db.select().from(users).where(eq(users.id, teacher.id)))[0]!.organisationId).toBe(school);
    expect(await entriesNamed(db, 'school', 'Tiksi School No. 1')).toEqual([school]);
    expect((await agent.get(res.headers.location!)).text).toContain('Saved.');
  });

  it('refuses bad input with 422 naming the field, and saves nothing', async () => {
    const { db, agent, code } = await setup();
    const school = await code('school', '1401');
    const sakha = await code('region', 'RU-SA');
    const lyceum = (await entriesNamed(db, 'school', 'Lyceum 2'))[0]!;
    await db.update(organisations).set({ code: 'L2' }).where(eq(organisations.id, lyceum));
    const good = { nameEn: 'X', nameRu: '', code: '', parentId: String(sakha) };
    const cases: [number, Record<string, string>, string, string][] = [
      [school, { ...good, nameEn: '  ' }, 'nameEn', 'Give the name in English, in Russian or both.'],
      [school, { ...good, code: 'L2' }, 'code', 'Another entry of the same kind has this code.'],
      [school, { ...good, parentId: String(lyceum) }, 'parentId', 'An entry of this kind cannot be part of that one'],
      [school, { ...good, parentId: '999999' }, 'parentId', 'That entry no longer exists.'],
      [sakha, { ...good, parentId: String(sakha) }, 'parentId', 'An entry cannot be part of itself or of an entry inside it.'],
      [sakha, { ...good, parentId: String(school) }, 'parentId', 'An entry cannot be part of itself or of an entry inside it.'],
      [school, { ...good, nameRu: 'я'.repeat(301) }, 'nameRu', 'This is too long.'],
    ];
    for (const [id, body, field, message] of cases) {
      const before = await findOrganisation(db, id);
      const res = await agent.post(`/admin/organisations/${id}`).type('form').send(body);
      expect(res.status, message).toBe(422);
      expect(res.text, message).toMatch(new RegExp(`id="f-${field}-error">${message.replace(/[.()]/g, '\\$&')}`));
      expect(await findOrganisation(db, id)).toEqual(before);
    }
    expect((await agent.get('/admin/organisations/999999')).status).toBe(404);
    expect((await agent.post('/admin/organisations/abc').type('form').send(good)).status).toBe(404);
  });
});
