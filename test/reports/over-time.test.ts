import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { complianceTargets, users } from '../../server/db/schema.ts';
import { createTestApp, makeUser, type TestContext, userAgent } from '../helpers.ts';
import { addEvidence, adminAgent, pageSummary } from './fixtures.ts';

// Anna joined 2025-01-10 and held all of KA on 2025-05-01 (Q2); Boris joined 2025-04-01 and held
// it on 2025-08-15 (Q3); Clara joined 2025-10-01 and holds nothing.
const KA = ['KA.1', 'KA.2', 'KA.3', 'KA.4', 'KA.5', 'KA.6'];

describe('/admin/reports/compliance/over-time', () => {
  let ctx: TestContext;
  let admin: Awaited<ReturnType<typeof adminAgent>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    admin = await adminAgent(ctx);
    const person = async (name: string, joined: string) => {
      const { id } = await makeUser(ctx.db, { name });
      await ctx.db
        .update(users)
        .set({ createdAt: Date.parse(joined) })
        .where(eq(users.id, id));
      return id;
    };
    const anna = await person('Anna', '2025-01-10T09:00:00Z');
    const boris = await person('Boris', '2025-04-01T09:00:00Z');
    await person('Clara', '2025-10-01T09:00:00Z');
    for (const code of KA) await addEvidence(ctx.db, anna, code, code === 'KA.6' ? '2025-05-01T10:00:00Z' : '2025-02-01T10:00:00Z');
    for (const code of KA) await addEvidence(ctx.db, boris, code, code === 'KA.1' ? '2025-08-15T10:00:00Z' : '2025-06-30T23:59:59Z');
  });

  const quarterRows = (html: string) => {
    const out = new Map<string, { teachers: number; ka: [number, number] }>();
    for (const m of html.matchAll(/<tr data-quarter="([^"]+)" data-teachers="(\d+)">[\s\S]*?data-level="KA" data-count="(\d+)" data-percent="([\d.]+)"/g)) {
      out.set(m[1]!, { teachers: Number(m[2]), ka: [Number(m[3]), Number(m[4])] });
    }
    return out;
  };

  it('shows the share holding each level at the end of every quarter, teachers counted from when they joined', async () => {
    const res = await admin.get('/admin/reports/compliance/over-time');
    expect(res.status).toBe(200);
    const rows = quarterRows(res.text);
    expect(rows.get('2025 Q1')).toEqual({ teachers: 1, ka: [0, 0] });
    expect(rows.get('2025 Q2')).toEqual({ teachers: 2, ka: [1, 50] });
    expect(rows.get('2025 Q3')).toEqual({ teachers: 2, ka: [2, 100] });
    expect(rows.get('2025 Q4')).toEqual({ teachers: 3, ka: [2, 66.7] });
    expect([...rows.keys()][0]).toBe('2025 Q1');
    // The chart: one line per level, with a title and description for assistive technology.
    expect(res.text.match(/<polyline /g)).toHaveLength(3);
    expect(res.text).toContain('<title id="trend-title">');
  });

  it('gives compliance as of a date: evidence up to that day, teachers who had joined', async () => {
    const res = await admin.get('/admin/reports/compliance?asOf=2025-06-30');
    const { teachers, figures } = pageSummary(res.text);
    expect(teachers).toBe(2);
    expect(figures.KA).toEqual([1, 50]);
    expect(figures['KA.1']).toEqual([1, 50]); // Boris's KA.1 came in August
    expect(res.text).toContain('As of 2025-06-30');
  });

  it('keeps targets and shows how far each is from being met', async () => {
    const saved = await admin
      .post('/admin/reports/targets')
      .type('form')
      .send({ name: 'KA for all', scope: 'KA', percent: '80', dueDate: '2027-06-30', place: '' });
    expect(saved.status).toBe(303);
    const page = await admin.get('/admin/reports/compliance/over-time');
    // 2 of 3 teachers hold all of KA: 66.7 %; 80 % of 3 needs 3.
    expect(page.text).toContain('Now 66.7 % (2 of 3 teachers).');
    expect(page.text).toContain('1 more teacher needed.');
    expect(page.text).toContain('80 % of teachers: all six competencies of KA · Knowledge Acquisition by');
    const [row] = await ctx.db.select().from(complianceTargets);
    const removed = await admin.post(`/admin/reports/targets/${row!.id}/delete`);
    expect(removed.status).toBe(303);
    expect(await ctx.db.select().from(complianceTargets)).toHaveLength(0);
  });

  it('refuses impossible targets with the field named, and only administrators reach any of it', async () => {
    for (const [body, field] of [
      [{ name: 'X', scope: 'KA', percent: '150', dueDate: '2027-01-01' }, 'percent'],
      [{ name: 'X', scope: 'KZ', percent: '50', dueDate: '2027-01-01' }, 'scope'],
      [{ name: 'X', scope: 'KA', percent: '50', dueDate: '2027-02-30' }, 'dueDate'],
      [{ name: '', scope: 'KA', percent: '50', dueDate: '2027-01-01' }, 'name'],
      [{ name: 'X', scope: 'KA', percent: '50', dueDate: '2027-01-01', place: '999999' }, 'place'],
    ] as const) {
      const res = await admin.post('/admin/reports/targets').type('form').send(body);
      expect(res.status, field).toBe(422);
      expect(res.text, field).toContain(`id="f-${field}-error"`);
    }
    expect(await ctx.db.select().from(complianceTargets)).toHaveLength(0);
    expect((await admin.post('/admin/reports/targets/999999/delete')).status).toBe(404);
    const { agent: trainer } = await userAgent(ctx, { roles: ['trainer'] });
    expect((await trainer.get('/admin/reports/compliance/over-time')).status).toBe(403);
    expect((await trainer.post('/admin/reports/targets').type('form').send({ name: 'X', scope: 'KA', percent: '50', dueDate: '2027-01-01' })).status).toBe(403);
  });
});
