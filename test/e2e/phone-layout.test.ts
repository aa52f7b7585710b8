import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { competencyEvidence } from '../../server/db/schema.ts';
import { chromiumAvailable, createAccount, openPage, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf } from './seed.ts';

// Phones (390 x 844, an ordinary one): a short header with a menu, tap targets of at least
// 44 x 44 px, the ICT-CFT matrix readable without sideways scrolling, module text before the
// list of modules. Desktop keeps its one-row header with the navigation in view.

const PHONE = { viewport: { width: 390, height: 844 } };
const TAP = 44;
const MODULE = '/courses/ict-primary-education/six-learning-types';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not visible on ${page.url()}`);
  return b;
}

/** Sizes of every visible element matching the selector (a hidden one has no box). */
async function boxes(page: Page, selector: string): Promise<{ name: string; box: Box }[]> {
  const out: { name: string; box: Box }[] = [];
  for (const element of await page.locator(selector).all()) {
    const b = await element.boundingBox();
    if (b && (await element.isVisible())) out.push({ name: (await element.textContent())?.trim() ?? selector, box: b });
  }
  return out;
}

const tooSmall = (list: { name: string; box: Box }[]) =>
  list.filter((t) => t.box.width < TAP || t.box.height < TAP).map((t) => `${t.name}: ${Math.round(t.box.width)} x ${Math.round(t.box.height)}`);

/** How far the page itself scrolls sideways (0 when nothing sticks out). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

describe.skipIf(!chromiumAvailable)('phone layout at 390 x 844 (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let teacher: { email: string };

  beforeAll(async () => {
    ({ server, browser } = env);
    // A teacher with a long name, reading in Russian (the longer words), with some evidence.
    const account = await createAccount(server, { name: 'Сардаана Константиновна Винокурова-Охлопкова', language: 'ru' });
    teacher = account;
    const mil = await courseOf(server, 'media-information-literacy');
    for (const module of mil.modules.slice(0, 2)) {
      for (const code of module.competencies) {
        await server.db
          .insert(competencyEvidence)
          .values({ userId: account.id, competency: code, moduleId: module.id, courseId: mil.id, source: `module:${module.id}`, createdAt: Date.now() })
          .onConflictDoNothing();
      }
    }
  });

  it(
    'keeps the header at most 64 px high, with a menu button and EN/RU links of at least 44 x 44 px',
    async () => {
      const visitor = await openPage(browser, server.url, PHONE);
      const signedIn = await openPage(browser, server.url, PHONE);
      await signIn(signedIn.page, teacher.email);
      const pages: [typeof visitor, string][] = [
        [visitor, '/'],
        [visitor, '/framework?lang=ru'],
        [signedIn, '/dashboard'],
        [signedIn, MODULE],
      ];
      for (const [{ page }, url] of pages) {
        await page.goto(url);
        const where = `${url} (${await page.locator('html').getAttribute('lang')})`;
        expect((await box(page, '.site-header')).height, where).toBeLessThanOrEqual(64);
        expect(tooSmall(await boxes(page, '.lang-switch a')), where).toEqual([]);
        expect(await page.locator('.lang-switch a').count()).toBe(2);
        expect(tooSmall(await boxes(page, '.site-header summary.menu-button')), where).toEqual([]);
        expect(await page.locator('.main-nav').isVisible(), where).toBe(false);
        expect(await sidewaysOverflow(page), where).toBe(0);

        // The menu opens below the bar, which keeps its height; every control in it is a full tap target.
        await page.locator('.site-header summary.menu-button').click();
        await expect.poll(() => page.locator('.main-nav').isVisible()).toBe(true);
        expect((await box(page, '.site-header')).height, where).toBeLessThanOrEqual(64);
        const menu = await boxes(page, '.menu-panel a, .menu-panel button');
        expect(menu.length, where).toBeGreaterThanOrEqual(4);
        expect(tooSmall(menu), where).toEqual([]);
        await page.locator('.site-header summary.menu-button').click();
        await expect.poll(() => page.locator('.main-nav').isVisible()).toBe(false);
      }
      expect([...visitor.problems, ...signedIn.problems]).toEqual([]);
      await visitor.context.close();
      await signedIn.context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'opens the menu without JavaScript',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, { ...PHONE, javaScriptEnabled: false });
      await page.goto('/');
      await page.locator('.site-header summary.menu-button').click();
      await Promise.all([
        page.waitForURL('**/framework'),
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'ICT-CFT framework' }).click(),
      ]);
      expect(await page.locator('h1').textContent()).toContain('ICT Competency Framework');
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the matrix with all three levels of each aspect, stacked, without sideways scrolling',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, PHONE);
      await signIn(page, teacher.email);
      for (const url of ['/framework?lang=en', '/dashboard']) {
        await page.goto(url);
        const details = page.locator('details.matrix-details');
        if ((await details.count()) > 0) expect(await details.getAttribute('open')).not.toBeNull(); // the teacher has evidence
        expect(await sidewaysOverflow(page), url).toBe(0);
        const table = await box(page, 'table.matrix');
        expect(table.x, url).toBeGreaterThanOrEqual(0);
        expect(table.x + table.width, url).toBeLessThanOrEqual(390);
        const cells = await boxes(page, 'table.matrix td');
        expect(cells, url).toHaveLength(18);
        for (const cell of cells) expect(cell.box.x + cell.box.width, `${url}: ${cell.name}`).toBeLessThanOrEqual(390);
        // Each cell names its level, so the three levels of an aspect read one under the other.
        const levels = (await boxes(page, 'table.matrix td .cell-level')).map((l) => l.name);
        expect(levels, url).toHaveLength(18);
        expect(new Set(levels).size, url).toBe(3);
        const firstRow = (await boxes(page, 'table.matrix tbody tr:first-child td')).map((c) => c.box);
        expect(firstRow[0]!.y).toBeLessThan(firstRow[1]!.y);
        expect(firstRow[1]!.y).toBeLessThan(firstRow[2]!.y);
      }
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "puts the module's content before the list of modules on a phone, beside it on a desktop",
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, PHONE);
      await page.goto(MODULE);
      const title = await box(page, 'article h1');
      const body = await box(page, '.module-body');
      const list = await box(page, '.module-nav');
      expect(title.y).toBeLessThan(list.y);
      expect(body.y + body.height).toBeLessThanOrEqual(list.y);
      expect(title.y).toBeLessThan(200); // the title is in the first screen, under the header
      expect(await sidewaysOverflow(page)).toBe(0);

      await page.setViewportSize({ width: 1280, height: 900 });
      const wideTitle = await box(page, 'article h1');
      const wideList = await box(page, '.module-nav');
      expect(wideList.x + wideList.width).toBeLessThanOrEqual(wideTitle.x);
      expect(Math.abs(wideList.y - wideTitle.y)).toBeLessThan(100);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps the desktop header one row with the navigation in view',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url);
      await page.goto('/?lang=en');
      expect(await page.locator('.site-header summary.menu-button').isVisible()).toBe(false);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).isVisible()).toBe(true);
      expect(await page.locator('.site-header').getByRole('link', { name: 'Create account' }).isVisible()).toBe(true);
      const header = await box(page, '.site-header');
      expect(header.height).toBeLessThanOrEqual(64);
      const brand = await box(page, '.brand');
      const nav = await box(page, '.main-nav');
      const lang = await box(page, '.lang-switch');
      expect(Math.abs(brand.y + brand.height / 2 - (nav.y + nav.height / 2))).toBeLessThan(12);
      expect(Math.abs(brand.y + brand.height / 2 - (lang.y + lang.height / 2))).toBeLessThan(12);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'passes the accessibility checks on a phone',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, PHONE);
      await signIn(page, teacher.email);
      const a11y: string[] = [];
      for (const [name, url] of [
        ['phone-catalogue', '/?lang=ru'],
        ['phone-dashboard', '/dashboard'],
        ['phone-framework', '/framework'],
        ['phone-module', MODULE],
      ] as const) {
        await page.goto(url);
        a11y.push(...(await reviewPage(page, name)));
      }
      await page.locator('.site-header summary.menu-button').click();
      a11y.push(...(await reviewPage(page, 'phone-menu-open')));
      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
