import { eq } from 'drizzle-orm';
import type { Db } from '../../server/db/client.ts';
import { describe, expect, it } from 'vitest';
import { organisations, users } from '../../server/db/schema.ts';
import { entriesNamed, entryWithCode, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { makeUser } from '../helpers.ts';
import { asAdmin, BASIC, registrySize, uploadList } from './admin-support.ts';

const WITH_DUPLICATES = `${BASIC}
country,,Russian Federation,,
region,,Yakutia,,
school,,Tiksi 1,,
country,KZ,Kazakhstan,Казахстан,
school,9001,Almaty School 1,,KZ
school,9002,Almaty School 1 bis,,KZ`;

async function setup() {
  const ctx = await asAdmin();
  await uploadList(ctx.agent, WITH_DUPLICATES, { action: 'confirm' });
  const id = async (kind: 'country' | 'region' | 'school', name: string) => (await entriesNamed(ctx.db, kind, name))[0]!;
  return { ...ctx, id };
}

async function placeIn(db: Db, orgId: number) {
  const user = await makeUser(db);
  await setPersonOrganisation(db, user.id, (await findOrganisation(db, orgId))!, 'en');
  return user.id;
}

describe('POST /admin/organisations/:id/merge', () => {
  it('shows what moves, then moves people, child entries and names to the target and deletes the duplicate', async () => {
    const { db, agent, id } = await setup();
    const russia = await id('country', 'Russia');
    const duplicate = await id('country', 'Russian Federation');
    const yakutia = await id('region', 'Yakutia');
    await db.update(organisations).set({ parentId: duplicate }).where(eq(organisations.id, yakutia));
    const people = [await placeIn(db, duplicate), await placeIn(db, duplicate)];
    const before = await registrySize(db);

    const confirm = await agent
      .post(`/admin/organisations/${duplicate}/merge`)
      .type('form')
      .send({ target: String(russia) });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Merge Russian Federation into Russia?');
    expect(confirm.text).toContain('2 people move.');
    expect(confirm.text).toContain('1 entry inside it moves.');
    expect(confirm.text).toContain('1 name moves: russian federation.');
    expect(await findOrganisation(db, duplicate)).toBeDefined();

    const done = await agent
      .post(`/admin/organisations/${duplicate}/merge`)
      .type('form')
      .send({ target: String(russia), confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/admin/organisations/${russia}?notice=merged`);
    expect(await findOrganisation(db, duplicate)).toBeUndefined();
    for (const p of people) expect((await db.select().from(users).where(eq(users.id, p)))[0]).toMatchObject({ organisationId: russia, country: 'Russia' });
    expect((await findOrganisation(db, yakutia))!.parentId).toBe(russia);
    expect(await entriesNamed(db, 'country', 'Russian Federation')).toEqual([russia]);
    expect(await registrySize(db)).toEqual({ entries: before.entries - 1, names: before.names });
    expect(await agent.get(`/admin/organisations/${duplicate}`).then((r) => r.status)).toBe(404);
  });

  it('gives the target the duplicate code when it has none, and warns before merging schools of different countries', async () => {
    const { db, agent, id } = await setup();
    const tiksi = await id('school', 'Tiksi 1');
    const coded = (await entryWithCode(db, 'school', '1401'))!;
    const almaty = (await entryWithCode(db, 'school', '9001'))!;
    const warn = await agent
      .post(`/admin/organisations/${almaty}/merge`)
      .type('form')
      .send({ target: String(coded) });
    expect(warn.status).toBe(200);
    expect(warn.text).toContain('The two entries are in different countries.');
    expect(warn.text).toContain('The code 9001 will be dropped: the entry kept has its own code 1401.');
    await agent
      .post(`/admin/organisations/${coded}/merge`)
      .type('form')
      .send({ target: String(tiksi), confirm: 'yes' });
    expect((await findOrganisation(db, tiksi))!.code).toBe('1401');
    expect(await entriesNamed(db, 'school', 'Тиксинская СОШ № 1')).toEqual([tiksi]);
  });

  it('refuses, with the reason, merges that would lose people; nothing moves', async () => {
    const { db, agent, id } = await setup();
    const russia = await id('country', 'Russia');
    const sakha = (await entryWithCode(db, 'region', 'RU-SA'))!;
    const school = (await entryWithCode(db, 'school', '1401'))!;
    const person = await placeIn(db, russia);
    const cases: [number, string, string][] = [
      [russia, String(sakha), 'is a Region: an entry can only be merged into one of the same kind'],
      [russia, String(russia), 'An entry cannot be merged into itself.'],
      [russia, '999999', 'The entry to keep no longer exists'],
      [russia, 'abc', 'The entry to keep no longer exists'],
      [russia, '', 'Choose the entry to keep.'],
      [sakha, String(school), 'is a School'],
    ];
    for (const [from, target, reason] of cases) {
      const res = await agent.post(`/admin/organisations/${from}/merge`).type('form').send({ target, confirm: 'yes' });
      expect(res.status, reason).toBe(422);
      expect(res.text, reason).toContain(reason);
    }
    expect((await db.select().from(users).where(eq(users.id, person)))[0]!.organisationId).toBe(russia);
    expect(await findOrganisation(db, sakha)).toBeDefined();
    // A tree the pages cannot make (a region inside a region), from older data: the inner one is no target.
    const yakutia = await id('region', 'Yakutia');
    await db.update(organisations).set({ parentId: sakha }).where(eq(organisations.id, yakutia));
    const inside = await agent
      .post(`/admin/organisations/${sakha}/merge`)
      .type('form')
      .send({ target: String(yakutia), confirm: 'yes' });
    expect(inside.status).toBe(422);
    expect(inside.text).toContain('Yakutia is inside this entry');
    expect(await findOrganisation(db, sakha)).toBeDefined();
    expect(
      (
        await agent
          .post('/admin/organisations/999999/merge')
          .type('form')
          .send({ target: String(russia) })
      ).status,
    ).toBe(404);
  });
});
