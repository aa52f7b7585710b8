import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { sql } from 'drizzle-orm';
import { closeDatabase, rowObjects } from '../../server/db/client.ts';
import { onPostgres, testDatabase } from '../support/database.ts';
import { createTestApp } from '../helpers.ts';

describe('GET /healthz', () => {
  it('answers ok after querying the database', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database is closed', async () => {
    const { app, db } = await createTestApp({ courses: false });
    await closeDatabase(db);
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(503);
  });
});

describe('unknown pages', () => {
  it('get a friendly 404 page without a stack trace', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<h1>Page not found</h1>');
    expect(res.text).toContain('href="/"');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('render: page or fragment', () => {
  it('sends the full page to a browser and the fragment to an htmx partial request', async () => {
    const { app } = await createTestApp({ courses: false });
    const page = await request(app).get('/login');
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.text).toContain('id="login-form"');
    expect(page.headers.vary).toContain('HX-Request');

    const fragment = await request(app).get('/login').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(fragment.status).toBe(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text.trim()).toMatch(/^<form[^>]+id="login-form"/);
    expect(fragment.headers.vary).toContain('HX-Request');
  });

  it('sends the full page for an htmx request that swaps the whole body', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login').set('HX-Request', 'true').set('HX-Request-Type', 'full');
    expect(res.text).toMatch(/^<!doctype html>/);
  });
});

describe('language selection', () => {
  it('defaults to English', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Sign in');
  });

  it('uses ?lang=ru and remembers it in a cookie', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login?lang=ru');
    expect(res.text).toContain('<html lang="ru">');
    expect(res.text).toContain('Вход');
    expect(String(res.headers['set-cookie'])).toMatch(/lang=ru/);
  });

  it('uses the lang cookie', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login').set('Cookie', 'lang=ru');
    expect(res.text).toContain('<html lang="ru">');
  });

  it('uses Accept-Language when there is no query or cookie', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login').set('Accept-Language', 'ru-RU,ru;q=0.9,en;q=0.5');
    expect(res.text).toContain('<html lang="ru">');
  });

  it('lets the query win over the cookie, and the cookie over the header', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login?lang=en').set('Cookie', 'lang=ru').set('Accept-Language', 'ru');
    expect(res.text).toContain('<html lang="en">');
    const res2 = await request(app).get('/login').set('Cookie', 'lang=en').set('Accept-Language', 'ru');
    expect(res2.text).toContain('<html lang="en">');
  });
});

describe('configuration', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databasePath).toBe('data/platform.sqlite');
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.secureCookies).toBe(false);
  });

  it('refuses an invalid PORT with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty' });
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
      expect((err as Error).message).toMatch(/^Invalid configuration: PORT="eighty"/);
    }
  });

  it('refuses a BASE_URL that is not http(s) and a bad LOG_LEVEL', () => {
    expect(() => loadConfig({ BASE_URL: 'ftp://example.org' })).toThrow(/BASE_URL/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('uses secure cookies over https or in production', () => {
    expect(loadConfig({ BASE_URL: 'https://pd.example.org' }).secureCookies).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).secureCookies).toBe(true);
  });

  it('trusts no proxy unless TRUST_PROXY names a hop count or proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback']);
    expect(loadConfig({ TRUST_PROXY: '::1,fd00::/8,uniquelocal,linklocal' }).trustProxy).toEqual(['::1', 'fd00::/8', 'uniquelocal', 'linklocal']);
  });

  it('refuses an invalid TRUST_PROXY with one line naming the variable', () => {
    for (const value of ['true', 'yes', '11', '-1', '1.5', '10.0.0.0/33', 'fd00::/129', '10.0.0', '10.0.0.1,', 'loopback,everyone']) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(ConfigError);
      try {
        loadConfig({ TRUST_PROXY: value });
      } catch (err) {
        expect((err as Error).message.split('\n')).toHaveLength(1);
        expect((err as Error).message).toMatch(/^Invalid configuration: TRUST_PROXY=".*": expected a hop count/);
      }
    }
  });
});

describe('migrations', () => {
  it('create every table on an empty database, with WAL-independent pragmas on', async () => {
    const db = await testDatabase();
    const query = onPostgres
      ? sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
      : sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`;
    const tables = (await rowObjects<{ name: string }>(db, query)).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'users',
        'sessions',
        'courses',
        'modules',
        'module_competencies',
        'enrolments',
        'module_progress',
        'quiz_attempts',
        'competency_evidence',
        'certificates',
        'cohorts',
        'cohort_members',
        'learning_records',
      ]),
    );
    // PostgreSQL always enforces foreign keys and waits for locks; SQLite needs both pragmas, on
    // the connection that reads (outside a transaction) and on the one that writes (inside).
    if (!onPostgres) {
      const pragmas = async (db: Parameters<typeof rowObjects>[0]) => ({
        foreignKeys: await rowObjects(db, sql`PRAGMA foreign_keys`),
        busyTimeout: await rowObjects(db, sql`PRAGMA busy_timeout`),
      });
      const expected = { foreignKeys: [{ foreign_keys: 1 }], busyTimeout: [{ timeout: 5000 }] };
      expect(await pragmas(db)).toEqual(expected);
      expect(await db.transaction((tx) => pragmas(tx))).toEqual(expected);
    }
  });
});

describe('security headers', () => {
  it('sends a strict CSP and the usual protections', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain http in tests
  });

  it('sends every header helmet would, on every kind of answer', async () => {
    const { app } = await createTestApp({ courses: false, env: { BASE_URL: 'https://teachers.example.org' } });
    for (const path of ['/login', '/no-such-page', '/healthz']) {
      const res = await request(app).get(path);
      expect(res.headers['content-security-policy'], path).toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security'], path).toMatch(/^max-age=\d+; includeSubDomains$/);
      expect(res.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy'], path).toBe('same-origin');
      expect(res.headers['origin-agent-cluster'], path).toBe('?1');
      expect(res.headers['x-dns-prefetch-control'], path).toBe('off');
      expect(res.headers['x-download-options'], path).toBe('noopen');
      expect(res.headers['x-permitted-cross-domain-policies'], path).toBe('none');
      expect(res.headers['x-xss-protection'], path).toBe('0');
    }
  });
});

describe('static files', () => {
  it('serves versioned assets with a year-long immutable cache and htmx from the app', async () => {
    const { app } = await createTestApp({ courses: false });
    const page = await request(app).get('/login');
    const css = /href="(\/static\/css\/site\.css\?v=[0-9a-f]+)"/.exec(page.text)?.[1];
    const js = /src="(\/static\/vendor\/htmx\.min\.js\?v=[0-9a-f]+)"/.exec(page.text)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    const cssRes = await request(app).get(css as string);
    expect(cssRes.status).toBe(200);
    expect(cssRes.headers['cache-control']).toContain('immutable');
    const jsRes = await request(app).get(js as string);
    expect(jsRes.status).toBe(200);
    expect(jsRes.headers['content-type']).toContain('javascript');
  });
});
