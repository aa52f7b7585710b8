import type { Browser, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CatalogueCourse, getCatalogue } from '../../server/courses/catalogue.ts';
import { answerQuiz, chromiumAvailable, fetchBytes, openPage, PASSWORD, progressValue, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf } from './seed.ts';

// Journey 5: journey 1 with JavaScript switched off. Every step is a plain link or form, every
// write answers 303 See Other, and the teacher still reaches a valid certificate.

const COURSE = 'media-information-literacy';

describe.skipIf(!chromiumAvailable)('teacher journey without JavaScript (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, COURSE);
  });

  it(
    'signs up, filters, enrols, fails and passes quizzes and reaches the certificate with plain forms',
    async () => {
      const { page, problems, expectStatus } = await openPage(browser, server.url, { javaScriptEnabled: false });
      const posts: { path: string; status: number }[] = [];
      page.on('response', (r: Response) => {
        if (r.request().method() === 'POST') posts.push({ path: new URL(r.url()).pathname, status: r.status() });
      });
      // Submits a form with a real navigation and returns the status of the POST itself.
      const submit = async (button: ReturnType<typeof page.locator>) => {
        const before = posts.length;
        await Promise.all([page.waitForNavigation(), button.click()]);
        return posts.slice(before);
      };
      const name = 'Katherine Johnson';

      await page.goto('/');

      // Sign-up: a short password first (422, the same form with a message), then a good one.
      await page.locator('.site-header').getByRole('link', { name: 'Create account' }).click();
      expectStatus({ status: 422, method: 'POST', path: /^\/signup$/ });
      await page.locator('#f-name').fill(name);
      await page.locator('#f-email').fill(`katherine-${Date.now()}@example.org`);
      await page.locator('#f-password').fill('short');
      expect(await submit(page.locator('#signup-form button[type="submit"]'))).toEqual([{ path: '/signup', status: 422 }]);
      expect(await page.locator('#f-password-error').count()).toBe(1);
      expect(await page.locator('#f-name').inputValue()).toBe(name);
      await page.locator('#f-password').fill(PASSWORD);
      expect(await submit(page.locator('#signup-form button[type="submit"]'))).toEqual([{ path: '/signup', status: 303 }]);
      expect(new URL(page.url()).pathname).toBe('/dashboard');

      // The catalogue filter is a GET form: choose a competency and press the button.
      await page.goto('/');
      const total = await page.locator('#course-list .card').count();
      const catalogue = await getCatalogue(server.db);
      const code = course.competencies.find((c) => catalogue.courses.some((other) => !other.competencies.includes(c)))!;
      await page.locator('#f-competency').selectOption(code);
      await Promise.all([page.waitForURL((url) => url.searchParams.get('competency') === code), page.locator('.filter-form button[type="submit"]').click()]);
      expect(await page.locator('#course-list .card').count()).toBeLessThan(total);
      await page.getByRole('link', { name: course.title }).click();

      // Enrolment answers 303 to the first module.
      expect(await submit(page.getByRole('button', { name: 'Enrol in this course' }))).toEqual([{ path: `/courses/${COURSE}/enrol`, status: 303 }]);
      expect(new URL(page.url()).pathname).toBe(`/courses/${COURSE}/${course.modules[0]!.slug}`);
      expect(await progressValue(page)).toBe(0);

      for (const [i, module] of course.modules.entries()) {
        if (i > 0) await Promise.all([page.waitForURL(`**/${module.slug}`), page.locator('#module-status a.button').click()]);
        const quizPath = `/courses/${COURSE}/${module.slug}/quiz`;
        if (i === 0) {
          await answerQuiz(page, module, 'wrong');
          expect(await submit(page.locator('#quiz button[type="submit"]'))).toEqual([{ path: quizPath, status: 303 }]);
          expect(page.url()).toMatch(/\?attempt=\d+#quiz-result$/);
          expect(await page.locator('#quiz .alert-error').count()).toBe(1);
          expect(await progressValue(page)).toBe(0);
        }
        await answerQuiz(page, module, 'right');
        expect(await submit(page.locator('#quiz button[type="submit"]'))).toEqual([{ path: quizPath, status: 303 }]);
        expect(await page.locator('#quiz .alert-success').count()).toBe(1);
        expect(await progressValue(page)).toBe(Math.round(((i + 1) / course.modules.length) * 100));
      }

      // Course complete: the result shows the certificate's actions, and the dashboard lists it and its PDF.
      expect(await page.locator('#quiz-result .certificate-actions').count()).toBe(1);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My learning' }).click();
      const link = page.locator('a[href^="/certificates/"]:not([href$=".pdf"]):not([href$=".json"])').first();
      const href = (await link.getAttribute('href'))!;
      const pdf = await fetchBytes(page, `${href}.pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await Promise.all([page.waitForURL(`**${href}`), link.click()]);
      expect(await page.locator('#certificate .certificate-status .status').textContent()).toBe('Valid');
      expect(await page.locator('#certificate').textContent()).toContain(name);

      // No script ran at all, so nothing could have hidden a broken form behind htmx.
      expect(posts.every((p) => p.status === 303 || p.status === 422)).toBe(true);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
