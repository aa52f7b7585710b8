import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { ARTIFACTS, chromiumAvailable, createAccount, openPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser, watch } from './browser.ts';
import { courseOf } from './seed.ts';

// Low bandwidth: the first visit to a page, with an empty cache, must transfer under 100 KB in
// all (HTML, CSS, JS, fonts, images), as Chromium's network layer counts it: bytes on the wire,
// headers included, after compression. Figures go to test-artifacts/page-weight.json and are
// recorded in docs/PERFORMANCE.md ("Page weight (browser)").

const BUDGET = 100_000;

interface Resource {
  path: string;
  type: string;
  status: number;
  encoding: string;
  /** Bytes received: headers plus the (compressed) body. */
  transferred: number;
  /** Body bytes after decompression. */
  decoded: number;
}

interface Weight {
  page: string;
  url: string;
  total: number;
  decoded: number;
  byType: Record<string, number>;
  resources: Resource[];
}

describe.skipIf(!chromiumAvailable)('page weight on a first visit (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let signedIn: BrowserContextOptions['storageState'];
  const weights: Weight[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, browser } = env);
    // A teacher in the Arctic course, for the personal version of the module page (progress box, quiz to answer).
    const teacher = await createAccount(server, { name: 'Айыына Слабая-Связь', language: 'ru' });
    const course = await courseOf(server, 'arctic-teaching-ict');
    await server.db.transaction((tx) => enrolInCourse(tx, { userId: teacher.id, course, baseUrl: server.config.baseUrl }));
    const login = await openPage(browser, server.url);
    await signIn(login.page, teacher.email);
    signedIn = await login.context.storageState();
    problems.push(...login.problems);
    await login.context.close();
  });

  afterAll(async () => {
    if (weights.length) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(
        path.join(ARTIFACTS, 'page-weight.json'),
        `${JSON.stringify({ measuredAt: new Date().toISOString(), budget: BUDGET, pages: weights }, null, 2)}\n`,
      );
    }
  });

  /** Opens the URLs one after the other in a fresh context (empty cache); the network layer's count of each visit. */
  async function visits(names: string[], urls: string[], options: BrowserContextOptions = {}): Promise<Weight[]> {
    const context = await browser.newContext({ baseURL: server.url, ...options });
    const page = await context.newPage();
    const watched = watch(page, context, server.url);
    const cdp = await context.newCDPSession(page);
    let byId = new Map<string, Resource>();
    cdp.on('Network.responseReceived', (e) => {
      const u = new URL(e.response.url);
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      byId.set(e.requestId, {
        path: u.pathname + u.search,
        type: e.type,
        status: e.response.status,
        encoding: headers['content-encoding'] ?? 'identity',
        transferred: 0,
        decoded: 0,
      });
    });
    cdp.on('Network.dataReceived', (e) => {
      const r = byId.get(e.requestId);
      if (r) r.decoded += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = byId.get(e.requestId);
      if (r) r.transferred = e.encodedDataLength;
    });
    await cdp.send('Network.enable');
    const out: Weight[] = [];
    for (const [i, url] of urls.entries()) {
      byId = new Map();
      await page.goto(url, { waitUntil: 'networkidle' });
      // Resources served from the cache report nothing received; they are left out.
      const resources = [...byId.values()].filter((r) => r.transferred > 0);
      const byType: Record<string, number> = {};
      for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + r.transferred;
      out.push({
        page: names[i]!,
        url,
        total: resources.reduce((n, r) => n + r.transferred, 0),
        decoded: resources.reduce((n, r) => n + r.decoded, 0),
        byType,
        resources,
      });
    }
    await context.close();
    problems.push(...watched.problems);
    weights.push(...out);
    return out;
  }

  const measure = async (name: string, url: string, options: BrowserContextOptions = {}) => (await visits([name], [url], options))[0]!;

  it(
    'transfers under 100 KB for the catalogue and for a module page, anonymous and enrolled',
    async () => {
      // The heaviest module of all (Russian text takes two bytes a letter), so the budget holds for every module.
      const heaviest = (await getCatalogue(server.db)).courses
        .flatMap((course) => course.modules.map((module) => ({ course, module })))
        .sort((a, b) => Buffer.byteLength(b.module.bodyHtml) - Buffer.byteLength(a.module.bodyHtml))[0]!;
      const arctic = await courseOf(server, 'arctic-teaching-ict');
      const catalogue = await measure('catalogue (anonymous)', '/');
      const moduleAnon = await measure('heaviest module page (anonymous)', `/courses/${heaviest.course.slug}/${heaviest.module.slug}`);
      const moduleEnrolled = await measure('module page (enrolled teacher, Russian)', `/courses/${arctic.slug}/${arctic.modules[0]!.slug}`, {
        storageState: signedIn,
      });

      for (const w of [catalogue, moduleAnon, moduleEnrolled]) {
        const types = new Set(w.resources.map((r) => r.type));
        // The page, its stylesheet and htmx all came over the network and were counted.
        expect([...types].sort(), w.page).toEqual(expect.arrayContaining(['Document', 'Script', 'Stylesheet']));
        expect(
          w.resources.every((r) => r.status < 400 && r.transferred > 0),
          w.page,
        ).toBe(true);
        // Text resources are compressed on the wire.
        for (const r of w.resources.filter((x) => ['Document', 'Script', 'Stylesheet'].includes(x.type))) expect(r.encoding, r.path).not.toBe('identity');
        expect(w.total, `${w.page}: ${w.total} bytes`).toBeLessThan(BUDGET);
      }

      // The next page of the same visit costs only its HTML: CSS, htmx and the icon come from the cache.
      const [, next] = await visits(['catalogue (first page)', 'module page (second page, warm cache)'], ['/', moduleAnon.url]);
      expect(next!.resources.map((r) => r.type)).toEqual(['Document']);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
