import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext, userAgent } from '../helpers.ts';

const URLS = [
  '/admin/reports/compliance',
  '/admin/reports/compliance?format=csv',
  '/admin/reports/compliance?format=csv&detail=teachers',
  '/admin/reports/compliance?format=xlsx',
  '/admin/reports/compliance?format=json',
  '/admin/reports/compliance/teachers',
];

describe('GET /admin/reports/compliance: who may see it', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });

  for (const url of URLS) {
    it(`sends visitors to sign in: ${url}`, async () => {
      const res = await request(ctx.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    });

    it(`refuses teachers and trainers with 403: ${url}`, async () => {
      const { agent: teacher } = await userAgent(ctx);
      const { agent: trainer } = await userAgent(ctx, { roles: ['trainer'] });
      const asTeacher = await teacher.get(url);
      const asTrainer = await trainer.get(url);
      expect(asTeacher.status).toBe(403);
      expect(asTrainer.status).toBe(403);
      expect(asTrainer.text).not.toContain('KA.1');
    });

    it(`serves administrators: ${url}`, async () => {
      const { agent: admin } = await userAgent(ctx, { roles: ['admin'] });
      const res = await admin.get(url);
      expect(res.status).toBe(200);
    });
  }

  it('tells an htmx request from a visitor to go to the sign-in page with HX-Redirect', async () => {
    const res = await request(ctx.app).get('/admin/reports/compliance').set('HX-Request', 'true');
    expect(res.status).toBe(204);
    expect(res.headers['hx-redirect']).toMatch(/^\/login\?next=/);
  });
});
