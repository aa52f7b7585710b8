import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueCourse } from '../../server/courses/catalogue.ts';
import { readPdf } from '../certificates/pdf-text.ts';
import {
  answerQuiz,
  chromiumAvailable,
  documentIsMarked,
  fetchBytes,
  markDocument,
  openPage,
  PASSWORD,
  progressValue,
  reviewPage,
  POLL,
  TEST_TIMEOUT,
  type TestServer,
  useServerAndBrowser,
} from './browser.ts';
import { courseOf } from './seed.ts';

// Journey 2: the teacher journey in Russian, on the Russian sequential course, with a Cyrillic
// name carried through to the certificate.

const COURSE = 'arctic-teaching-ict';

describe.skipIf(!chromiumAvailable)('teacher journey in Russian (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, COURSE);
  });

  it(
    'switches to Russian, signs up as Анна Иванова, completes the Arctic course and sees her name on the certificate',
    async () => {
      // The browser asks for English: Russian comes only from the switcher.
      const { page, problems } = await openPage(browser, server.url, { locale: 'en-GB' });
      const name = 'Анна Иванова';
      const a11y: string[] = [];

      await page.goto('/');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await Promise.all([page.waitForURL('**/?lang=ru'), page.locator('.lang-switch a[hreflang="ru"]').click()]);
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      expect(await page.locator('h1').textContent()).toBe('Курсы');
      expect(await page.locator('.lang-switch a[hreflang="ru"]').getAttribute('aria-current')).toBe('true');

      // The choice sticks (cookie): the sign-up page comes in Russian without ?lang.
      await page.locator('.site-header').getByRole('link', { name: 'Регистрация' }).click();
      await page.waitForURL('**/signup');
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      expect(await page.locator('#f-language').inputValue()).toBe('ru');
      a11y.push(...(await reviewPage(page, 'signup-ru')));
      await page.locator('#f-name').fill(name);
      await page.locator('#f-email').fill(`anna-${Date.now()}@example.org`);
      await page.locator('#f-password').fill(PASSWORD);
      await page.locator('#f-school').fill('Школа № 1, Тикси');
      await Promise.all([page.waitForURL('**/dashboard'), page.locator('#signup-form button[type="submit"]').click()]);
      expect(await page.locator('h1').textContent()).toBe('Моё обучение');
      expect(await page.locator('.site-header .user-link').textContent()).toBe(name);

      // Filter the catalogue by language (htmx swap) and open the Russian course.
      await page.getByRole('navigation', { name: 'Главное меню' }).getByRole('link', { name: 'Курсы' }).click();
      await markDocument(page);
      await page.getByRole('search').getByLabel('Язык').selectOption('ru');
      await page.waitForURL((url) => url.searchParams.get('language') === 'ru');
      await expect.poll(() => page.locator('#course-list .card').count(), POLL).toBe(1);
      expect(await documentIsMarked(page)).toBe(true);
      await page.getByRole('link', { name: course.title }).click();
      await page.waitForURL(`**/courses/${COURSE}`);
      expect(await page.locator('.completion-box').textContent()).toContain('Записаться на курс');
      a11y.push(...(await reviewPage(page, 'course-ru')));
      await Promise.all([page.waitForURL(`**/${course.modules[0]!.slug}`), page.getByRole('button', { name: 'Записаться на курс' }).click()]);

      // A sequential course: the next module is locked until this one is passed.
      for (const [i, module] of course.modules.entries()) {
        if (i > 0) await Promise.all([page.waitForURL(`**/${module.slug}`), page.locator('#module-status a.button').click()]);
        expect(await page.locator('article h1').textContent()).toBe(module.title);
        if (i === 0) {
          expect(await page.locator('.module-nav li').nth(1).textContent()).toContain('(Закрыт)');
          expect(await page.locator('#quiz h2').textContent()).toBe('Проверьте себя');
          a11y.push(...(await reviewPage(page, 'module-ru')));
        }
        await markDocument(page);
        await answerQuiz(page, module, 'right');
        await page.locator('#quiz button[type="submit"]').click();
        await page.locator('#quiz .alert-success').waitFor();
        await expect.poll(() => progressValue(page), POLL).toBe(Math.round(((i + 1) / course.modules.length) * 100));
        expect(await documentIsMarked(page)).toBe(true);
        if (i === 0) expect(await page.locator('#module-status').textContent()).toContain('Продолжить');
      }

      // The certificate: Russian interface, Cyrillic name on the page and in the PDF.
      const certificate = page.locator('#module-status').getByRole('link', { name: 'Открыть сертификат' });
      const href = (await certificate.getAttribute('href'))!;
      await Promise.all([page.waitForURL(`**${href}`), certificate.click()]);
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      expect(await page.locator('#certificate .certificate-status .status').textContent()).toBe('Действителен');
      expect(await page.locator('#certificate').textContent()).toContain(name);
      a11y.push(...(await reviewPage(page, 'certificate-ru')));
      const pdf = await fetchBytes(page, `${href}.pdf`);
      expect(pdf.type).toBe('application/pdf');
      expect(readPdf(pdf.body).lines.join('\n')).toContain(name);

      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
