import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CatalogueCourse, getCatalogue } from '../../server/courses/catalogue.ts';
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

// Journey 1: a teacher signs up, finds a course by competency, fails then passes quizzes with
// htmx updating the page in place, finishes the course and gets a verifiable certificate.

const COURSE = 'media-information-literacy';

describe.skipIf(!chromiumAvailable)('teacher journey (browser, htmx)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, COURSE);
  });

  it(
    'signs up, filters the catalogue, enrols, fails and passes quizzes in place, and gets a valid certificate',
    async () => {
      const { page, problems, expectStatus } = await openPage(browser, server.url);
      const a11y: string[] = [];
      const name = 'Grace Hopper-Teacher';
      const email = `grace-${Date.now()}@example.org`;

      // Anonymous pages first: catalogue, framework, one competency, sign-in.
      await page.goto('/');
      expect(await page.locator('h1').textContent()).toBe('Courses');
      a11y.push(...(await reviewPage(page, 'catalogue')));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'ICT-CFT framework' }).click();
      await page.waitForURL('**/framework');
      a11y.push(...(await reviewPage(page, 'framework')));
      const catalogue = await getCatalogue(server.db);
      const code = course.competencies.find((c) => catalogue.courses.some((other) => !other.competencies.includes(c)))!;
      await page.goto(`/framework/${code}`);
      expect(await page.locator('h1').textContent()).toContain(code);
      a11y.push(...(await reviewPage(page, 'competency')));
      await page.goto('/login');
      a11y.push(...(await reviewPage(page, 'login')));

      // Sign up through the form; a first try with a short password comes back as a 422 in place.
      await page.goto('/');
      await page.locator('.site-header').getByRole('link', { name: 'Create account' }).click();
      await page.waitForURL('**/signup');
      a11y.push(...(await reviewPage(page, 'signup')));
      expectStatus({ status: 422, method: 'POST', path: /^\/signup$/ });
      await page.locator('#f-name').fill(name);
      await page.locator('#f-email').fill(email);
      await page.locator('#f-password').fill('short');
      await markDocument(page);
      await page.locator('#signup-form button[type="submit"]').click();
      await page.locator('#f-password-error').waitFor();
      expect(await documentIsMarked(page)).toBe(true);
      expect(await page.locator('#f-password').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#f-name').inputValue()).toBe(name);
      await page.locator('#f-password').fill(PASSWORD);
      await Promise.all([page.waitForURL('**/dashboard'), page.locator('#signup-form button[type="submit"]').click()]);
      expect(await page.locator('.site-header .user-link').textContent()).toBe(name);

      // The catalogue filter: choosing a competency swaps the list in place and pushes the URL.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      const cards = page.locator('#course-list .card');
      const before = await cards.count();
      await markDocument(page);
      await page.getByLabel('Competency').selectOption(code);
      await page.waitForURL((url) => url.searchParams.get('competency') === code);
      await page.locator('#course-list .card').first().waitFor();
      await expect.poll(() => cards.count(), POLL).toBeLessThan(before);
      expect(await documentIsMarked(page)).toBe(true);
      expect(await page.locator('#course-list').textContent()).toContain(course.title);

      // The course page, then enrolment (which opens the first module).
      await page.getByRole('link', { name: course.title }).click();
      await page.waitForURL(`**/courses/${COURSE}`);
      a11y.push(...(await reviewPage(page, 'course')));
      await Promise.all([
        page.waitForURL(`**/courses/${COURSE}/${course.modules[0]!.slug}`),
        page.getByRole('button', { name: 'Enrol in this course' }).click(),
      ]);
      expect(await progressValue(page)).toBe(0);

      for (const [i, module] of course.modules.entries()) {
        if (i > 0) {
          // "Continue: <next module>" in the status box leads on.
          await Promise.all([page.waitForURL(`**/${module.slug}`), page.locator('#module-status a.button').click()]);
        }
        expect(await page.locator('article h1').textContent()).toBe(module.title);
        const start = await progressValue(page);
        await markDocument(page);
        if (i === 0) {
          await answerQuiz(page, module, 'wrong');
          await page.locator('#quiz button[type="submit"]').click();
          await page.locator('#quiz .alert-error').waitFor();
          expect(await page.locator('#quiz .feedback-wrong').count()).toBeGreaterThan(0);
          expect(await progressValue(page)).toBe(start);
        }
        await answerQuiz(page, module, 'right');
        await page.locator('#quiz button[type="submit"]').click();
        await page.locator('#quiz .alert-success').waitFor();
        // The status box (out-of-band swap) shows the new progress; the document never reloaded.
        const expected = Math.round(((i + 1) / course.modules.length) * 100);
        await expect.poll(() => progressValue(page), POLL).toBe(expected);
        expect(await documentIsMarked(page)).toBe(true);
        if (i === 0) a11y.push(...(await reviewPage(page, 'module')));
      }

      // The last quiz completed the course: the status box links to the certificate.
      const certificateLink = page.locator('#module-status a[href^="/certificates/"]');
      const href = (await certificateLink.getAttribute('href'))!;
      expect(href).toMatch(/^\/certificates\/[A-Z0-9-]+$/);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My learning' }).click();
      await page.waitForURL('**/dashboard');
      a11y.push(...(await reviewPage(page, 'dashboard')));
      expect(await page.locator(`a[href="${href}"]`).count()).toBe(1);

      // The PDF: a real PDF of a reasonable size, with the learner's name in its text.
      const pdfHref = (await page.locator(`a[href="${href}.pdf"]`).getAttribute('href'))!;
      const pdf = await fetchBytes(page, pdfHref);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.body.length).toBeGreaterThan(5_000);
      expect(readPdf(pdf.body).lines.join('\n')).toContain(name);

      // The verification page, opened from the dashboard link.
      await Promise.all([page.waitForURL(`**${href}`), page.locator(`a[href="${href}"]`).click()]);
      expect(await page.locator('#certificate .certificate-status .status').textContent()).toBe('Valid');
      expect(await page.locator('#certificate').textContent()).toContain(name);
      expect(await page.locator('#certificate').textContent()).toContain(course.title);
      a11y.push(...(await reviewPage(page, 'certificate')));

      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
