import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler, HttpError } from '../../server/http/errors.ts';
import { languageMiddleware } from '../../server/http/i18n.ts';
import { viewHelpers } from '../../server/http/locals.ts';
import { countUsers } from '../auth/support.ts';
import { agent, createTestApp, ORIGIN, testConfig, userAgent } from '../helpers.ts';

const TOO_LARGE = `name=${'x'.repeat(300 * 1024)}`; // the limit is 200 KB
const MALFORMED_JSON = '{"email": "ada@example.org",';

/** Collects log lines, so a test can see the error page did not fall back to plain text. */
function logged() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level: 'error' }, sink) };
}

describe('body errors (413 too large, 400 malformed JSON)', () => {
  const cases = [
    { name: 'a 300 KB form', status: 413, type: 'form', body: TOO_LARGE, en: 'Too large', ru: 'Слишком большой объём' },
    { name: 'malformed JSON', status: 400, type: 'json', body: MALFORMED_JSON, en: 'Bad request', ru: 'Некорректный запрос' },
  ];
  for (const c of cases) {
    it(`answer ${c.name} with the English HTML error page and status ${c.status}, writing nothing`, async () => {
      const { lines, logger } = logged();
      const ctx = await createTestApp({ courses: false, logger });
      const res = await request(ctx.app).post('/signup').set('Origin', ORIGIN).type(c.type).send(c.body);
      expect(res.status).toBe(c.status);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('<html lang="en">');
      expect(res.text).toContain(`<h1>${c.en}</h1>`);
      expect(res.text).toContain('Go to the course catalogue');
      expect(await countUsers(ctx.db)).toBe(0);
      expect(lines.join('')).not.toContain('error page failed to render');
    });

    it(`answer ${c.name} in Russian for Accept-Language: ru and for the lang cookie`, async () => {
      const { app } = await createTestApp({ courses: false });
      const byHeader = await request(app).post('/signup').set('Origin', ORIGIN).set('Accept-Language', 'ru').type(c.type).send(c.body);
      const byCookie = await request(app).post('/signup').set('Origin', ORIGIN).set('Cookie', 'lang=ru').type(c.type).send(c.body);
      for (const res of [byHeader, byCookie]) {
        expect(res.status).toBe(c.status);
        expect(res.text).toContain('<html lang="ru">');
        expect(res.text).toContain(`<h1>${c.ru}</h1>`);
        expect(res.text).toContain('Перейти к каталогу курсов');
      }
    });
  }

  it('show a signed-in person their own header on the error page', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: a } = await userAgent(ctx, { name: 'Aleksei Body' });
    const res = await a.post('/profile').type('form').send(TOO_LARGE);
    expect(res.status).toBe(413);
    expect(res.text).toContain('Aleksei Body');
    expect(res.text).toContain('<h1>Too large</h1>');
  });

  it('refuse a cross-site body with 403 before reading it', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).post('/signup').set('Origin', 'https://evil.example').type('form').send(TOO_LARGE);
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form was sent from another site');
    expect(await countUsers(ctx.db)).toBe(0);
  });

  it('answer a client that asks only for JSON with a translated JSON error', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await agent(app).post('/signup').set('Accept', 'application/json').set('Accept-Language', 'ru').type('json').send(MALFORMED_JSON);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Не удалось понять запрос.' });
  });
});

describe('errorHandler', () => {
  it('sets the language and view helpers itself for an error raised before they ran', async () => {
    const config = testConfig();
    const pageLocals = [languageMiddleware(false), viewHelpers(config)];
    const app = express();
    app.use(() => {
      throw new HttpError(400);
    });
    app.use(errorHandler(pino({ level: 'silent' }), { showStack: false, pageLocals }));
    const res = await request(app).get('/anything').set('Accept-Language', 'ru');
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<h1>Некорректный запрос</h1>');
  });
});
