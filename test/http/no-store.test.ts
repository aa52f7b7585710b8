import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { languageMiddleware } from '../../server/http/i18n.ts';
import { viewHelpers } from '../../server/http/locals.ts';
import { NOT_STORED_PATHS, noStore } from '../../server/http/no-store.ts';
import { sharedWhenSignedOut } from '../../server/http/page-cache.ts';
import { render } from '../../server/http/render.ts';
import { trainerWithCohort } from '../cohorts/fixtures.ts';
import { createTestApp, testConfig, userAgent } from '../helpers.ts';

type Role = 'teacher' | 'trainer' | 'admin';

describe('Cache-Control: no-store', () => {
  // Every page and download that shows other people's data, or a person's whole record.
  const urls: [Role, string][] = [
    ['trainer', '/cohorts'],
    ['trainer', '/cohorts/:id'],
    ['trainer', '/cohorts/:id/members'],
    ['trainer', '/cohorts/:id/progress.csv'],
    ['trainer', '/cohorts/:id/progress.xlsx'],
    ['admin', '/admin/users'],
    ['admin', '/admin/reports/compliance'],
    ['admin', '/admin/reports/compliance?format=csv'],
    ['admin', '/admin/reports/compliance?format=csv&detail=teachers'],
    ['admin', '/admin/reports/compliance?format=xlsx'],
    ['admin', '/admin/reports/compliance?format=json'],
    ['admin', '/admin/reports/compliance/teachers'],
    ['admin', '/admin/records'],
    ['admin', '/admin/records.jsonl?from=2026-01-01&to=2026-01-31'],
    ['teacher', '/dashboard/records.json'],
    ['teacher', '/admin/users'], // the 403 page too
    ['teacher', '/cohorts'],
  ];

  it.each(urls)('is sent to a %s for %s', async (role, url) => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const who = role === 'trainer' ? trainer : await userAgent(ctx, { roles: role === 'admin' ? ['admin'] : [] });
    const res = await who.agent.get(url.replace(':id', String(cohortId))).buffer(true);
    expect(res.status).toBe(role === 'teacher' && url !== '/dashboard/records.json' ? 403 : 200);
    expect(res.headers['cache-control']).toMatch(/\bno-store\b/);
  });

  it('is not sent for a signed-in person’s own pages, which stay private, no-cache', async () => {
    const ctx = await createTestApp();
    const { agent } = await userAgent(ctx);
    const res = await agent.get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  it('keeps such a page out of the shared-page cache', async () => {
    const { db } = await createTestApp();
    const app = express();
    app.use(languageMiddleware(false), viewHelpers(testConfig()));
    app.use(NOT_STORED_PATHS, noStore);
    let rendered = 0;
    app.get('/admin/shared-by-mistake', sharedWhenSignedOut(db), async (req, res) => {
      rendered++;
      await render(req, res, 'errors/error', { status: 200, messageKey: 'errors:home', params: {}, stack: null });
    });
    for (let i = 0; i < 2; i++) {
      const res = await request(app).get('/admin/shared-by-mistake');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(rendered).toBe(2);
  });
});
