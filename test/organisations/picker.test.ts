import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { users } from '../../server/db/schema.ts';
import { createOrganisation } from '../../server/organisations/queries.ts';
import { agent, createTestApp, type TestContext, userAgent } from '../helpers.ts';
import { signupForm } from '../auth/support.ts';

// The school picker of sign-up and the profile, over a registry that names each entry in both languages.

async function seedRegistry(db: Db) {
  const russia = await createOrganisation(db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
  const sakha = await createOrganisation(db, {
    kind: 'region',
    parentId: russia,
    code: 'RU-SA',
    nameEn: 'Sakha (Yakutia)',
    nameRu: 'Республика Саха (Якутия)',
  });
  const tiksi = await createOrganisation(db, {
    kind: 'school',
    parentId: sakha,
    code: '1400000001',
    nameEn: 'Tiksi School No. 1',
    nameRu: 'Тиксинская СОШ №1',
  });
  const yakutsk = await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1400000002', nameEn: 'Yakutsk Lyceum', nameRu: 'Якутский лицей' });
  return { russia, sakha, tiksi, yakutsk };
}

const userRow = async (db: Db, email: string) => (await db.select().from(users).where(eq(users.email, email)))[0];

describe('GET /organisations/search', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedRegistry>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    ids = await seedRegistry(ctx.db);
  });

  it('finds a school by the start of any word of either name, in either script, or by its code', async () => {
    for (const q of ['тикси', 'TIKSI', 'tiksinskaya', 'сош 1', '1400000001']) {
      const res = await agent(ctx.app).get('/organisations/search').query({ schoolQuery: q }).set('HX-Request-Type', 'partial');
      expect(res.status, q).toBe(200);
      expect(res.text, q).toContain(`<input type="radio" name="organisationId" value="${ids.tiksi}"`);
      expect(res.text, q).toContain('Tiksi School No. 1 — Sakha (Yakutia), Russia');
      expect(res.text, q).not.toContain(`value="${ids.yakutsk}"`);
    }
  });

  it('lists places in the reader’s language, and says when nothing matches', async () => {
    const ru = await agent(ctx.app).get('/organisations/search?q=tiksi&lang=ru');
    expect(ru.status).toBe(200);
    expect(ru.text).toContain('<li>Тиксинская СОШ №1 — Республика Саха (Якутия), Россия</li>');
    const none = await agent(ctx.app).get('/organisations/search').query({ schoolQuery: 'zzzz' }).set('HX-Request-Type', 'partial');
    expect(none.text).toContain('No school found for “zzzz”');
    expect(none.text).toContain('value="" checked');
  });
});

describe('school picker on sign-up and the profile', () => {
  let ctx: TestContext;
  let ids: Awaited<ReturnType<typeof seedRegistry>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    ids = await seedRegistry(ctx.db);
  });

  it('shows the matches inside the sign-up form without JavaScript (a plain GET search)', async () => {
    const res = await agent(ctx.app).get('/signup?schoolQuery=lyceum');
    const form = res.text.slice(res.text.indexOf('id="signup-form"'));
    expect(form).toContain(`name="organisationId" value="${ids.yakutsk}"`);
    expect(res.text).toMatch(/<form method="get" action="\/signup"[^>]*role="search"/);
  });

  it('signs a teacher up into the chosen school, with its names in their language', async () => {
    const res = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send({ ...signupForm({ email: 'olga@example.org' }), language: 'ru', organisationId: String(ids.tiksi), school: 'typed', region: '', country: '' });
    expect(res.status).toBe(303);
    const row = await userRow(ctx.db, 'olga@example.org');
    expect(row).toMatchObject({ organisationId: ids.tiksi, school: 'Тиксинская СОШ №1', region: 'Республика Саха (Якутия)', country: 'Россия' });
  });

  it('refuses an entry that does not exist, with the message by the list, and creates nobody', async () => {
    const res = await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send({ ...signupForm({ email: 'ghost@example.org' }), organisationId: '999999' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That school is no longer in the list');
    expect(await userRow(ctx.db, 'ghost@example.org')).toBeUndefined();
  });

  it('keeps a typed school when the teacher says theirs is not listed', async () => {
    await agent(ctx.app)
      .post('/signup')
      .type('form')
      .send({ ...signupForm({ email: 'pavel@example.org' }), organisationId: '', school: 'Nizhneyansk School', region: 'Sakha', country: 'Russia' });
    expect(await userRow(ctx.db, 'pavel@example.org')).toMatchObject({ organisationId: null, school: 'Nizhneyansk School' });
  });

  it('lets a teacher change school on the profile, the current one ticked', async () => {
    const { user, agent: teacher } = await userAgent(ctx, { email: 'ivan@example.org' });
    await teacher
      .post('/profile')
      .type('form')
      .send({ name: 'Ivan', language: 'en', organisationId: String(ids.yakutsk) });
    expect(await userRow(ctx.db, 'ivan@example.org')).toMatchObject({
      organisationId: ids.yakutsk,
      school: 'Yakutsk Lyceum',
      region: 'Sakha (Yakutia)',
      country: 'Russia',
    });
    const page = await teacher.get('/profile');
    expect(page.text).toContain(`value="${ids.yakutsk}" checked`);
    const bad = await teacher.post('/profile').type('form').send({ name: 'Ivan', language: 'en', organisationId: 'x' });
    expect(bad.status).toBe(422);
    expect((await userRow(ctx.db, 'ivan@example.org'))?.organisationId).toBe(ids.yakutsk);
    await teacher.post('/profile').type('form').send({ name: 'Ivan', language: 'en', organisationId: '', school: 'Home school', region: '', country: '' });
    expect(await userRow(ctx.db, 'ivan@example.org')).toMatchObject({ id: user.id, organisationId: null, school: 'Home school' });
  });
});

describe('GET /organisations/search: numbers', () => {
  it('finds a school by its number however it is written', async () => {
    const ctx = await createTestApp();
    const ids = await seedRegistry(ctx.db);
    for (const q of ['сош №1', 'СОШ № 1', 'school no 1', 'tiksi 1']) {
      const res = await agent(ctx.app).get('/organisations/search').query({ schoolQuery: q }).set('HX-Request-Type', 'partial');
      expect(res.text, q).toContain(`value="${ids.tiksi}"`);
    }
  });
});
