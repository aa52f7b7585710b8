import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { certify } from '../certificates/fixtures.ts';
import { createCohort } from '../../server/cohorts/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { createTestApp, ORIGIN, userAgent } from '../helpers.ts';
import { declaredRoutes } from '../support/routes.ts';

// Every route, GET and POST, signed out and as each role, with bodies and queries of the wrong
// type (objects and arrays where strings are expected): none may answer 5xx.

// Field names the app's forms and JSON bodies use.
const FIELDS = [
  'email',
  'password',
  'current',
  'name',
  'school',
  'region',
  'country',
  'language',
  'next',
  'csv',
  'action',
  'users',
  'to',
  'role',
  'reason',
  'q',
  'page',
  'code',
  'credential',
  'startDate',
  'dueDate',
  'description',
  'courses',
  'from',
  'startedAt',
  'sep',
  'format',
  'group',
  'cohort',
  'course',
  'token',
  'lang',
  'notice',
  'status',
  'sort',
  'dir',
];

const confusedJson = [
  Object.fromEntries(FIELDS.map((f) => [f, { toString: 1 }])),
  Object.fromEntries(FIELDS.map((f) => [f, ['a', 'b']])),
  Object.fromEntries(FIELDS.map((f) => [f, { nested: { deeper: [1, 2] } }])),
  Object.fromEntries(FIELDS.map((f) => [f, 12345])),
  Object.fromEntries(FIELDS.map((f) => [f, null])),
  ['not', 'an', 'object'],
  'just a string',
];
const repeatedForm = FIELDS.map((f) => `${f}=1&${f}=2`).join('&');
const repeatedQuery = FIELDS.map((f) => `${f}=1&${f}=2`).join('&');

/** A fresh app with one signed-in agent of the role (or a visitor) and something of each kind to name in URLs. */
async function sweepTarget(role: 'visitor' | 'teacher' | 'trainer' | 'admin') {
  // Each request comes from its own address (through a trusted loopback proxy) and look-ups are not
  // capped, so no rate limit answers before a handler has seen the input.
  // Mail is configured (to a port that refuses), so the routes that only work with mail are swept too.
  const ctx = await createTestApp({ env: { TRUST_PROXY: 'loopback', LOOKUP_RATE_LIMIT: '1000000', SMTP_URL: 'smtp://127.0.0.1:9' } });
  const teacher = await userAgent(ctx);
  const trainer = await userAgent(ctx, { roles: ['trainer'] });
  const admin = await userAgent(ctx, { roles: ['admin'] });
  const course = (await getCatalogue(ctx.db)).courses[0]!;
  const cohortId = await createCohort(
    ctx.db,
    { name: 'Sweep', courses: [course.id], startDate: '2026-01-01', dueDate: null, description: '' },
    trainer.user.id,
  );
  const params: Record<string, string> = {
    id: String(cohortId),
    userId: String(teacher.user.id),
    course: course.slug,
    module: course.modules[0]!.slug,
    code: await certify(ctx, teacher.user.id),
    token: 'a'.repeat(32),
    file: 'image.png',
  };
  const agent = { visitor: request.agent(ctx.app).set('Origin', ORIGIN), teacher: teacher.agent, trainer: trainer.agent, admin: admin.agent }[role];
  return { ctx, agent, params };
}

let address = 0;
const nextAddress = () => `10.9.${Math.floor(++address / 250) % 250}.${address % 250}`;

describe('every route with type-confused input', () => {
  it('finds the routes it sweeps', async () => {
    const routes = declaredRoutes((await createTestApp({ courses: false })).app);
    expect(routes.length).toBeGreaterThan(40);
    expect(routes).toContainEqual({ method: 'post', path: '/login' });
    expect(routes).toContainEqual({ method: 'post', path: '/cohorts/:id/members' });
  });

  for (const role of ['visitor', 'teacher', 'trainer', 'admin'] as const) {
    it(`never answers 5xx (nor is limited before the handler runs) as a ${role}`, async () => {
      const { ctx, agent, params } = await sweepTarget(role);
      const fill = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '1');
      const failures: string[] = [];
      let requests = 0;
      for (const { method, path } of declaredRoutes(ctx.app)) {
        // Signing out would end the agent's session halfway through the sweep.
        if (path === '/logout') continue;
        const url = fill(path);
        const attempts =
          method === 'get'
            ? [() => agent.get(`${url}?${repeatedQuery}`), () => agent.get(`${url}?q=${encodeURIComponent('{"a":1}')}&page=-1&format=%00`)]
            : [
                ...confusedJson.map((body) => () => agent.post(url).set('Content-Type', 'application/json').send(JSON.stringify(body))),
                () => agent.post(url).type('form').send(repeatedForm),
              ];
        for (const attempt of attempts) {
          agent.set('X-Forwarded-For', nextAddress());
          const res = await attempt();
          requests++;
          if (res.status >= 500 || res.status === 429) failures.push(`${method.toUpperCase()} ${url} -> ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
      expect(requests).toBeGreaterThan(200);
    }, 120_000);
  }
});
