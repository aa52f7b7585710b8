import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { prepareSetupLink } from '../../server/auth/link-routes.ts';
import { createSignInLinkToken } from '../../server/auth/queries.ts';
import { closeDatabase } from '../../server/db/client.ts';
import { redactUrl } from '../../server/http/redact.ts';
import { createTestApp, makeUser, ORIGIN } from '../helpers.ts';

/** An app whose every log line (access log and error handler) lands in `lines` as raw text. */
function appLoggingTo(lines: string[]) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return createTestApp({ courses: false, env: { LOG_LEVEL: 'info' }, logger: pino({ level: 'info' }, sink) });
}

const SECRET = 'Zq7secretTokenValue0123456789';

describe('log lines', () => {
  it('never contain the token of a one-time link, whether the page answers, 404s or fails', async () => {
    const lines: string[] = [];
    const { app, db, config } = await appLoggingTo(lines);
    const setupUrl = (await prepareSetupLink(db, config.baseUrl)) ?? '';
    const setupToken = setupUrl.split('/').at(-1) ?? '';
    await request(app).get(new URL(setupUrl).pathname).expect(200);
    const admin = await makeUser(db, { roles: ['admin'] });
    const user = await makeUser(db);
    const signinToken = await createSignInLinkToken(db, user.id, admin.id);

    await request(app).get(`/setup/${SECRET}`).expect(404);
    await request(app).get(`/signin/${signinToken}`);
    await request(app).post(`/signin/${signinToken}`).set('Origin', ORIGIN).type('form').send({});
    await request(app).get(`/password-reset/${SECRET}`);
    await request(app).get(`/verify/${SECRET}?lang=ru`);
    await request(app).get(`/SIGNIN/${SECRET}/`).expect(404);
    await request(app).get(`//signin/${SECRET}`).expect(404);
    await request(app).post(`/setup/${SECRET}`).set('Origin', 'https://evil.example').type('form').send({}).expect(403);
    await request(app).get(`/no-such-page?token=${SECRET}&key=${SECRET}&password=${SECRET}`).expect(404);
    await request(app)
      .get(`/login?next=${encodeURIComponent(`/signin/${SECRET}`)}`)
      .expect(200);
    await closeDatabase(db); // the next request's database query throws: a 500 logged by the error handler too
    await request(app).get(`/signin/${SECRET}?token=${SECRET}`).expect(500);

    const text = lines.join('\n');
    const handlerLine = lines.map((l) => JSON.parse(l)).find((l) => l.err && l.msg === 'request failed');
    expect(handlerLine?.url).toBe('/signin/[redacted]?token=[redacted]');
    expect(text).toContain('/signin/[redacted]');
    expect(text).toContain('/setup/[redacted]');
    expect(text).toContain('/password-reset/[redacted]');
    expect(text).toContain('/verify/[redacted]?lang=ru');
    expect(text).toContain('/no-such-page?token=[redacted]&key=[redacted]&password=[redacted]');
    expect(text).toContain('/login?next=[redacted]');
    expect(text).not.toContain(setupToken);
    expect(text).not.toContain(signinToken);
    expect(text).not.toContain(SECRET);
  });
});

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['/signin/abc', '/signin/[redacted]'],
    ['/setup/abc?lang=ru', '/setup/[redacted]?lang=ru'],
    ['/password-reset/abc/', '/password-reset/[redacted]/'],
    ['/Verify/abc', '/Verify/[redacted]'],
    ['/sign%69n/abc', '/signin/[redacted]'],
    ['/password-reset', '/password-reset'],
    ['/cohorts/3?q=ada&page=2', '/cohorts/3?q=ada&page=2'],
    ['/x?resetToken=abc&api_key=abc&q=a%20b', '/x?resetToken=[redacted]&api_key=[redacted]&q=a%20b'],
    ['/login?next=https%3A%2F%2Fsite.example%2Fsetup%2Fabc', '/login?next=[redacted]'],
    ['/certificates/ABCD-1234', '/certificates/ABCD-1234'],
  ];
  for (const [url, expected] of cases) {
    it(`logs ${url} as ${expected}`, () => {
      expect(redactUrl(url)).toBe(expected);
    });
  }
});
