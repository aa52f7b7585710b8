import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  documentIsMarked,
  markDocument,
  openPage,
  POLL,
  reviewPage,
  TEST_TIMEOUT,
  type TestServer,
  useServerAndBrowser,
} from './browser.ts';
import { courseOf } from './seed.ts';

// The catalogue's search field, typed into with htmx swapping the list in place, and submitted
// as a plain GET form with JavaScript switched off.

describe.skipIf(!chromiumAvailable)('catalogue search (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;

  beforeAll(() => {
    ({ server, browser } = env);
  });

  it(
    'narrows the list as the teacher types, without reloading the page',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, { viewport: { width: 390, height: 844 } });
      const primary = await courseOf(server, 'ict-primary-education');
      const arctic = await courseOf(server, 'arctic-teaching-ict');
      const cards = page.locator('#course-list .card');
      await page.goto('/');
      const all = await cards.count();
      expect(all).toBe(3);
      await markDocument(page);

      // A word only a module's text has.
      await page.getByRole('search').getByLabel('Search courses').fill('timetable');
      await page.waitForURL((url) => url.searchParams.get('q') === 'timetable');
      await expect.poll(() => cards.count(), POLL).toBe(1);
      expect(await cards.first().locator('h2').textContent()).toBe(primary.title);
      expect(await cards.first().textContent()).toContain('Found in:');

      // A Russian word in capitals finds the Russian course.
      await page.getByRole('search').getByLabel('Search courses').fill('АРКТИКЕ');
      await expect.poll(() => cards.first().locator('h2').textContent(), POLL).toBe(arctic.title);
      expect(await cards.count()).toBe(1);

      // Nothing matches: the message says so and offers the whole catalogue.
      await page.getByRole('search').getByLabel('Search courses').fill('zebra');
      await expect.poll(() => page.locator('#course-list').textContent(), POLL).toContain('No course matches “zebra”.');
      expect(await cards.count()).toBe(0);
      await page.getByRole('search').getByLabel('Search courses').fill('');
      await expect.poll(() => cards.count(), POLL).toBe(all);

      // The search combines with the language filter.
      await page.getByRole('search').getByLabel('Search courses').fill('teachers');
      await expect.poll(() => cards.count(), POLL).toBe(2);
      await page.getByRole('search').getByLabel('Language').selectOption('ru');
      await page.waitForURL((url) => url.searchParams.get('language') === 'ru');
      await expect.poll(() => page.locator('#course-list').textContent(), POLL).toContain('No course matches “teachers”.');

      expect(await documentIsMarked(page)).toBe(true);
      expect(await reviewPage(page, 'catalogue-search')).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'works as a plain form without JavaScript, and the results page keeps the query',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url, { javaScriptEnabled: false });
      const arctic = await courseOf(server, 'arctic-teaching-ict');
      await page.goto('/');
      await page.locator('#f-q').fill('ЭЛЕКТРОПИТАНИЯ');
      await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'ЭЛЕКТРОПИТАНИЯ'), page.locator('.filter-form button[type="submit"]').click()]);
      expect(await page.locator('#course-list .card').count()).toBe(1);
      expect(await page.locator('#course-list .card h2').textContent()).toBe(arctic.title);
      expect(await page.locator('#f-q').inputValue()).toBe('ЭЛЕКТРОПИТАНИЯ');

      // "More" opens the rest of the summary without script.
      const more = page.locator('#course-list .card details.more');
      expect(await more.locator('p').isVisible()).toBe(false);
      await more.locator('summary').click();
      expect(await more.locator('p').isVisible()).toBe(true);

      await page.locator('#f-q').fill('zebra');
      await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'zebra'), page.locator('.filter-form button[type="submit"]').click()]);
      expect(await page.locator('#course-list').textContent()).toContain('No course matches “zebra”.');
      await Promise.all([page.waitForURL((url) => url.search === ''), page.getByRole('link', { name: 'Show all courses' }).click()]);
      expect(await page.locator('#course-list .card').count()).toBe(3);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
