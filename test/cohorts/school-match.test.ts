import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { createOrganisation } from '../../server/organisations/queries.ts';
import { createTestApp, type TestContext, userAgent } from '../helpers.ts';
import { createCohort } from '../../server/cohorts/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';

// The cohort import matches each row's school in the organisation registry: by code, else by name
// in any case or script; the preview shows the match and flags the rest; new accounts belong to it.

describe('cohort import and the organisation registry', () => {
  let ctx: TestContext;
  let trainer: Awaited<ReturnType<typeof userAgent>>['agent'];
  let cohortId: number;
  const ids = { tiksi: 0, yakutsk1: 0, mirny1: 0 };
  beforeAll(async () => {
    ctx = await createTestApp();
    const { db } = ctx;
    const ru = await createOrganisation(db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    const sakha = await createOrganisation(db, { kind: 'region', parentId: ru, code: 'RU-SA', nameEn: 'Sakha (Yakutia)', nameRu: 'Якутия' });
    ids.tiksi = await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1401', nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1' });
    // Two schools with one name in different towns: only a code tells them apart.
    ids.yakutsk1 = await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1402', nameEn: 'School No. 1', nameRu: 'СОШ №1' });
    ids.mirny1 = await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1403', nameEn: 'School No. 1', nameRu: 'СОШ №1' });
    const t = await userAgent(ctx, { roles: ['trainer'] });
    trainer = t.agent;
    const course = (await getCatalogue(db)).courses[0]!;
    cohortId = await createCohort(db, { name: 'Registry', courses: [course.id], startDate: '2026-01-01', dueDate: null, description: '' }, t.user.id);
  });

  const CSV = [
    'email,name,school,school code,region,language',
    'olga@example.org,Olga,ТИКСИНСКАЯ СОШ № 1,,,ru',
    'ivan@example.org,Ivan,School No. 1,1403,,en',
    'anna@example.org,Anna,СОШ №1,,,ru',
    'pavel@example.org,Pavel,Nizhneyansk School,,,en',
    'lena@example.org,Lena,,,,en',
  ].join('\n');

  it('shows each row’s school as the registry has it, and flags unknown and shared names', async () => {
    const res = await trainer.post(`/cohorts/${cohortId}/members`).type('form').send({ csv: CSV });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tiksi School No. 1 — Sakha (Yakutia), Russia');
    expect(res.text).toMatch(/data-school-match="one">School No. 1 — Sakha \(Yakutia\), Russia/);
    expect(res.text).toMatch(/data-school-match="several"><span class="status status-overdue">Several schools: add the code/);
    expect(res.text).toMatch(/data-school-match="none"><span class="status status-overdue">Not in the registry/);
    expect(res.text).toContain('2 rows name a school found in the registry');
    expect(res.text).toContain('1 row names a school that is not in the registry');
    expect(res.text).toContain('1 row names a school that several registry entries share');
    expect(await ctx.db.select().from(users).where(eq(users.email, 'olga@example.org'))).toHaveLength(0);
  });

  it('puts new accounts in the matched school, named in their language; the rest keep what was typed', async () => {
    const res = await trainer.post(`/cohorts/${cohortId}/members`).type('form').send({ csv: CSV, action: 'confirm' });
    expect(res.status).toBe(200);
    const row = async (email: string) => (await ctx.db.select().from(users).where(eq(users.email, email)))[0]!;
    expect(await row('olga@example.org')).toMatchObject({ organisationId: ids.tiksi, school: 'Тиксинская СОШ №1', region: 'Якутия', country: 'Россия' });
    expect(await row('ivan@example.org')).toMatchObject({ organisationId: ids.mirny1, school: 'School No. 1', region: 'Sakha (Yakutia)' });
    expect(await row('anna@example.org')).toMatchObject({ organisationId: null, school: 'СОШ №1' });
    expect(await row('pavel@example.org')).toMatchObject({ organisationId: null, school: 'Nizhneyansk School' });
  });
});
