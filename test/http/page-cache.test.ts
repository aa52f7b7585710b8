import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadCourses } from '../../server/courses/loader.ts';
import { PageCache } from '../../server/http/page-cache.ts';
import { createTestApp, userAgent } from '../helpers.ts';

// Course content pages are rendered once for every signed-out visitor and then served from
// memory; these tests pin down that nothing personal or stale can come out of that cache.

const MODULE = '/courses/ict-primary-education/six-learning-types';

/** The bytes on the wire for Accept-Encoding: br (supertest would decode them). */
async function rawBrotli(app: Express, url: string): Promise<{ res: http.IncomingMessage; body: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: url, headers: { 'accept-encoding': 'br' } }, resolve).on('error', reject);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { res, body: Buffer.concat(chunks) };
  } finally {
    server.close();
  }
}

describe('pages compressed in render', () => {
  it('sends Brotli that decodes to the same page as an uncompressed request', async () => {
    const { app } = await createTestApp();
    const { res, body } = await rawBrotli(app, '/');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    const plain = await request(app).get('/').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zlib.brotliDecompressSync(body).toString()).toBe(plain.text);
    expect(body.length).toBeLessThan(plain.text.length / 2);
  });

  it('answers 304 to a revalidation with the ETag it sent', async () => {
    const { app } = await createTestApp();
    const first = await request(app).get('/framework').set('Accept-Encoding', 'gzip');
    expect(first.headers.etag).toBeTruthy();
    const again = await request(app).get('/framework').set('Accept-Encoding', 'gzip').set('If-None-Match', first.headers.etag!);
    expect(again.status).toBe(304);
  });

  it('keeps the error status when an error page is rendered', async () => {
    const { app } = await createTestApp();
    const res = await request(app).get('/courses/no-such-course');
    expect(res.status).toBe(404);
    const again = await request(app).get('/courses/no-such-course');
    expect(again.status).toBe(404);
  });
});

describe('content pages cached for signed-out visitors', () => {
  it('serves the same bytes to the next visitor', async () => {
    const { app } = await createTestApp();
    const a = await rawBrotli(app, MODULE);
    const b = await rawBrotli(app, MODULE);
    expect(b.res.statusCode).toBe(200);
    expect(b.body.equals(a.body)).toBe(true);
    expect(b.res.headers.etag).toBe(a.res.headers.etag);
  });

  it('never shows a signed-in teacher the visitor page, nor a visitor the teacher one', async () => {
    const ctx = await createTestApp();
    const visitor = await request(ctx.app).get(MODULE);
    expect(visitor.text).toContain('Reading is open to everyone');
    const { agent } = await userAgent(ctx, { name: 'Aili Kuusela' });
    await agent.post('/courses/ict-primary-education/enrol').expect(303);
    const teacher = await agent.get(MODULE);
    expect(teacher.text).toContain('Aili Kuusela');
    expect(teacher.text).not.toContain('Reading is open to everyone');
    const visitorAgain = await request(ctx.app).get(MODULE);
    expect(visitorAgain.text).not.toContain('Aili Kuusela');
    expect(visitorAgain.text).toBe(visitor.text);
    // Shared caches (a school's proxy) may keep the visitor page, never the teacher's.
    expect(teacher.headers['cache-control']).toBe('private, no-cache');
    expect(visitorAgain.headers['cache-control']).toBeUndefined();
  });

  it('keeps languages and htmx fragments apart', async () => {
    const { app } = await createTestApp();
    const en = await request(app).get('/');
    const ru = await request(app).get('/').set('Accept-Language', 'ru');
    const fragment = await request(app).get('/').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    const enAgain = await request(app).get('/');
    expect(en.text).toContain('<html lang="en"');
    expect(ru.text).toContain('<html lang="ru"');
    expect(fragment.text).not.toContain('<html');
    expect(enAgain.text).toBe(en.text);
  });

  it('drops the cached pages when course packages are loaded again', async () => {
    const { app, db, config } = await createTestApp();
    expect((await request(app).get('/')).text).toContain('>ICT in Primary Education<');
    const edited = fs.mkdtempSync(path.join(os.tmpdir(), 'courses-'));
    fs.cpSync(config.coursesPath, edited, { recursive: true });
    const yaml = path.join(edited, 'ict-primary-education/course.yaml');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('title: "ICT in Primary Education"', 'title: "ICT in Primary Schools"'));
    await loadCourses(db, edited);
    const after = await request(app).get('/');
    expect(after.text).toContain('>ICT in Primary Schools<');
    expect(after.text).not.toContain('>ICT in Primary Education<');
    fs.rmSync(edited, { recursive: true });
  });
});

describe('PageCache', () => {
  it('forgets the oldest pages beyond its byte limit', async () => {
    const cache = new PageCache(3000);
    for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, key.repeat(1000), 'identity');
    expect(cache.get('a', 'identity')).toBeUndefined();
    expect((await cache.get('d', 'identity'))?.body.toString()).toBe('d'.repeat(1000));
    expect(cache.size).toBe(3);
  });

  it('counts the compressed copies it keeps', async () => {
    const html = Array.from({ length: 200 }, (_, i) => `<p>${i}</p>`).join('');
    const cache = new PageCache(html.length + 250); // room for y, but not for y and x's gzip copy
    await cache.set('x', html, 'identity');
    expect((await cache.get('x', 'gzip'))?.encoding).toBe('gzip');
    await cache.set('y', 'y'.repeat(200), 'identity');
    expect(cache.get('x', 'identity')).toBeUndefined(); // over the limit with its gzip copy
  });

  it('compresses a page once however many visitors ask at the same moment', async () => {
    const cache = new PageCache();
    await cache.set('x', '<p>page</p>'.repeat(200), 'identity');
    const [a, b] = await Promise.all([cache.get('x', 'gzip'), cache.get('x', 'gzip')]);
    expect(a).toBe(b);
  });
});
