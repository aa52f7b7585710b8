import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { languageHref } from '../../server/http/locals.ts';
import { createTestApp } from '../helpers.ts';

/** The hrefs of the EN and RU links in the language switcher. */
function switcher(html: string): { en: string; ru: string } {
  const nav = /<nav[^>]*class="lang-switch"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  const href = (lang: string) => new RegExp(`<a href="([^"]*)" lang="${lang}"`).exec(nav)?.[1] ?? '';
  return { en: href('en'), ru: href('ru') };
}

/** Sends a request line exactly as written (supertest would turn a backslash into a slash). */
async function rawGet(app: http.RequestListener, path: string): Promise<{ status: number; body: string }> {
  const server = http.createServer(app).listen(0);
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ port, path }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('language switcher', () => {
  it('never links off-site for a path that starts with two slashes', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('//evil.example/x');
    expect(res.status).toBe(404);
    expect(switcher(res.text)).toEqual({ en: '/?lang=en', ru: '/?lang=ru' });
    expect(res.text).not.toContain('href="//evil.example');
  });

  it('never links off-site for a path that starts with a slash and a backslash', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await rawGet(app, '/\\evil.example/x');
    expect(res.status).toBe(404);
    expect(switcher(res.body)).toEqual({ en: '/?lang=en', ru: '/?lang=ru' });
    expect(res.body).not.toContain('evil.example');
  });

  it('keeps the other query parameters and replaces only lang', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login?lang=ru&next=%2Fdashboard&lang=ru');
    expect(res.status).toBe(200);
    expect(switcher(res.text)).toEqual({ en: '/login?next=%2Fdashboard&amp;lang=en', ru: '/login?next=%2Fdashboard&amp;lang=ru' });
  });

  it('links to the same path when there is no query', async () => {
    const { app } = await createTestApp({ courses: false });
    const res = await request(app).get('/login');
    expect(switcher(res.text)).toEqual({ en: '/login?lang=en', ru: '/login?lang=ru' });
  });
});

describe('languageHref', () => {
  const cases: [string, string][] = [
    ['/', '/?lang=ru'],
    ['/framework/KA.3?lang=en', '/framework/KA.3?lang=ru'],
    ['/admin/reports/compliance?region=Murmansk&sort=name&page=2', '/admin/reports/compliance?region=Murmansk&sort=name&page=2&lang=ru'],
    ['/cohorts?q=a%20b', '/cohorts?q=a+b&lang=ru'],
    ['//evil.example/x?q=1', '/?q=1&lang=ru'],
    ['/\\evil.example', '/?lang=ru'],
    ['///evil.example', '/?lang=ru'],
  ];
  for (const [url, expected] of cases) {
    it(`links ${url} to ${expected}`, () => {
      expect(languageHref(url, 'ru')).toBe(expected);
    });
  }
});
