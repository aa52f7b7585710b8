import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, createAccount, openPage, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf } from './seed.ts';

// A locked module as a teacher meets it in a sequential course, and the EN/RU switch keeping what
// the page was showing (filters, a search), on a desktop and on a phone.

describe.skipIf(!chromiumAvailable)('locked modules and the language switch (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;

  beforeAll(() => {
    ({ server, browser } = env);
  });

  it(
    'shows a locked module’s lock at the top, with the way to the module that opens it, and none of its content',
    async () => {
      const course = await courseOf(server, 'arctic-teaching-ict');
      const teacher = await createAccount(server, { name: 'Лена Локова', language: 'ru' });
      const { page, context, problems } = await openPage(browser, server.url, { viewport: { width: 390, height: 844 } });
      await signIn(page, teacher.email);
      await page.goto(`/courses/${course.slug}`);
      await page.locator('form[action$="/enrol"] button').click();
      await page.waitForURL(`**/${course.modules[0]!.slug}`);

      const third = course.modules[2]!;
      await page.goto(`/courses/${course.slug}/${third.slug}`);
      const notice = page.locator('.lock-notice');
      expect(await notice.isVisible()).toBe(true);
      // At the top: the notice starts within the first screen of a phone.
      expect((await notice.boundingBox())!.y).toBeLessThan(844);
      expect(await page.locator('#quiz').count()).toBe(0);
      expect(await page.locator('article .module-body, article .prose').count()).toBe(0);
      const way = notice.getByRole('link');
      expect(await way.textContent()).toContain(course.modules[0]!.title);
      await Promise.all([page.waitForURL(`**/${course.modules[0]!.slug}`), way.click()]);
      expect(await page.locator('article h1').textContent()).toBe(course.modules[0]!.title);
      expect(await page.locator('#quiz').count()).toBe(1);
      expect(await reviewPage(page, 'locked-module-phone')).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'switches between English and Russian keeping the filters and the search',
    async () => {
      const { page, context, problems } = await openPage(browser, server.url);
      await page.goto('/?q=media&competency=KA.1');
      await Promise.all([page.waitForURL((url) => url.searchParams.get('lang') === 'ru'), page.locator('.lang-switch a[hreflang="ru"]').click()]);
      const url = new URL(page.url());
      expect(url.searchParams.get('q')).toBe('media');
      expect(url.searchParams.get('competency')).toBe('KA.1');
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      expect(await page.locator('#f-q').inputValue()).toBe('media');
      await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.locator('.lang-switch a[hreflang="en"]').click()]);
      expect(new URL(page.url()).searchParams.get('q')).toBe('media');
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
