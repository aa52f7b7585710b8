import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations } from '../../server/db/schema.ts';
import { asAdmin, BASIC, carried, registry, registrySize, uploadList } from './admin-support.ts';

describe('POST /admin/organisations/import', () => {
  it('previews rows without writing, then confirms from the carried text', async () => {
    const { db, agent } = await asAdmin();
    const preview = await uploadList(agent, BASIC);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Check the registry import');
    expect(preview.text).toMatch(/data-count="new">4</);
    expect(await registrySize(db)).toEqual({ entries: 0, names: 0 });

    const done = await agent
      .post('/admin/organisations/import')
      .field('action', 'confirm')
      .field('csv', carried(preview.text))
      .field('filename', 'registry.csv');
    expect(done.status).toBe(200);
    expect(done.text).toContain('4 entries added.');
    expect(await registry(db)).toEqual([
      ['country', 'RU', 'Russia', 'Россия', null],
      ['region', 'RU-SA', 'Sakha (Yakutia)', 'Республика Саха (Якутия)', 'RU'],
      ['school', '1401', 'Tiksi School No. 1', 'Тиксинская СОШ № 1', 'RU-SA'],
      ['school', null, 'Lyceum 2', 'Лицей № 2', 'RU-SA'],
    ]);
  });

  it('changes nothing when the same file is imported again, and updates an entry by its code', async () => {
    const { db, agent } = await asAdmin();
    await uploadList(agent, BASIC, { action: 'confirm' });
    const size = await registrySize(db);
    const again = await uploadList(agent, BASIC);
    expect(again.text).toMatch(/data-count="unchanged">4</);
    expect(again.text).toMatch(/data-count="new">0</);
    expect(again.text).toContain('There is nothing to save');
    const confirmed = await uploadList(agent, BASIC, { action: 'confirm' });
    expect(confirmed.text).toContain('4 entries unchanged.');
    expect(await registrySize(db)).toEqual(size);

    const renamed = ['kind,code,name_en,name_ru,parent_code', 'school,1401,Tiksi Secondary School 1,,RU-SA', 'school,,Lyceum 2,,'].join('\n');
    const preview = await uploadList(agent, renamed);
    expect(preview.text).toMatch(/data-count="updated">1</);
    expect(preview.text).toMatch(/data-count="unchanged">1</);
    await uploadList(agent, renamed, { action: 'confirm' });
    const [school] = await db.select().from(organisations).where(eq(organisations.code, '1401'));
    // The empty Russian name keeps the entry's; the old English name still finds it.
    expect(school).toMatchObject({ nameEn: 'Tiksi Secondary School 1', nameRu: 'Тиксинская СОШ № 1' });
    expect((await registrySize(db)).entries).toBe(4);
  });
});
