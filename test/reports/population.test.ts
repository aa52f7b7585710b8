import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { agent, makeUser, userAgent } from '../helpers.ts';
import { addEvidence, buildFixture, type Fixture, pageSummary } from './fixtures.ts';

// Who the compliance figures describe: the teacher population. Trainers and administrators hold
// the teacher role too (makeUser gives it to everyone); they count only when marked as also teaching.

describe('compliance report: who is counted', () => {
  let f: Fixture;
  let trainerId: number;
  let staffAdminId: number;
  beforeAll(async () => {
    f = await buildFixture();
    const { db } = f.ctx;
    // A trainer in Yakutia with every KA competency, and an administrator with KC.6: staff, both with the teacher role.
    trainerId = (
      await makeUser(db, {
        name: 'Trainer Tanya',
        email: 'tanya@example.org',
        school: 'North School',
        region: 'Yakutia',
        country: 'Russia',
        roles: ['trainer'],
      })
    ).id;
    staffAdminId = (
      await makeUser(db, { name: 'Admin Alla', email: 'alla@example.org', school: 'South School', region: 'Yakutia', country: 'Russia', roles: ['admin'] })
    ).id;
    for (const code of ['KA.1', 'KA.2', 'KA.3', 'KA.4', 'KA.5', 'KA.6']) await addEvidence(db, trainerId, code, '2024-03-01T10:00:00Z');
    await addEvidence(db, staffAdminId, 'KC.6', '2024-03-01T10:00:00Z');
  });

  it('leaves trainers and administrators out, and says so with how many', async () => {
    const res = await f.admin.get('/admin/reports/compliance?region=Yakutia');
    const { teachers, figures } = pageSummary(res.text);
    // Anna, Boris, Clara: the same three as without staff (compliance.test.ts).
    expect(teachers).toBe(3);
    expect(figures['KC.6']).toEqual([1, 33.3]);
    expect(res.text).toContain('data-staff-excluded="2"');
    expect(res.text).toContain(
      'Trainers and administrators are left out unless an administrator marked them as also teaching (2 left out under these filters)',
    );
  });

  it('counts a member of staff an administrator marked as also teaching, everywhere the report goes', async () => {
    const page = await f.admin.get('/admin/users?q=tanya');
    expect(page.text).toContain('Staff: not counted in reports');
    const marked = await f.admin.post(`/admin/users/${trainerId}/teaching`).type('form').send({ alsoTeaches: 'yes' });
    expect(marked.status).toBe(303);
    expect((await f.ctx.db.select({ v: users.alsoTeaches }).from(users).where(eq(users.id, trainerId)))[0]?.v).toBe(true);
    expect((await f.admin.get('/admin/users?q=tanya')).text).toContain('Also teaches: counted in reports');

    const res = await f.admin.get('/admin/reports/compliance?region=Yakutia');
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(4);
    // KA.4: Anna, Clara and now Tanya.
    expect(figures['KA.4']).toEqual([3, 75]);
    expect(res.text).toContain('data-staff-excluded="1"');

    const json = (await f.admin.get('/admin/reports/compliance?region=Yakutia&format=json')).body;
    expect(json.metadata.teachers).toBe(4);
    expect(json.metadata.population.staffExcluded).toBe(1);
    const csv = await f.admin.get('/admin/reports/compliance?region=Yakutia&format=csv&detail=teachers');
    expect(csv.text).toContain('Trainer Tanya');
    expect(csv.text).not.toContain('Admin Alla');
    expect(csv.text).toContain('Who is counted');
    const list = await f.admin.get('/admin/reports/compliance/teachers?region=Yakutia');
    expect(list.text).toContain('Trainer Tanya');
    expect(list.text).not.toContain('Admin Alla');

    await f.admin.post(`/admin/users/${trainerId}/teaching`).type('form').send({ alsoTeaches: 'no' });
    expect(pageSummary((await f.admin.get('/admin/reports/compliance?region=Yakutia')).text).teachers).toBe(3);
  });

  it('lets only administrators mark staff, and refuses bad input and unknown accounts', async () => {
    const { agent: trainer } = await userAgent(f.ctx, { roles: ['trainer'] });
    expect((await trainer.post(`/admin/users/${trainerId}/teaching`).type('form').send({ alsoTeaches: 'yes' })).status).toBe(403);
    expect((await agent(f.ctx.app).post(`/admin/users/${trainerId}/teaching`).type('form').send({ alsoTeaches: 'yes' })).status).toBe(303); // to sign-in
    expect((await f.admin.post(`/admin/users/${trainerId}/teaching`).type('form').send({ alsoTeaches: 'maybe' })).status).toBe(422);
    expect((await f.admin.post('/admin/users/999999/teaching').type('form').send({ alsoTeaches: 'yes' })).status).toBe(404);
    expect((await f.ctx.db.select({ v: users.alsoTeaches }).from(users).where(eq(users.id, trainerId)))[0]?.v).toBe(false);
  });
});
