import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueCourse } from '../../server/courses/catalogue.ts';
import { quizAttempts } from '../../server/db/schema.ts';
import {
  answerQuiz,
  chromiumAvailable,
  createAccount,
  documentIsMarked,
  fetchBytes,
  markDocument,
  openPage,
  POLL,
  reviewPage,
  SCREENSHOTS,
  signIn,
  TEST_TIMEOUT,
  type TestServer,
  useServerAndBrowser,
  type WatchedPage,
} from './browser.ts';
import { courseOf, passModules } from './seed.ts';

// The teacher's moments in Chromium: the last quiz of a course answered, the certificate and what
// to do next in view with the focus on the result (desktop, phone, no JavaScript); a submit button
// clicked twice; a submission that meets no connection (or a server error) and is sent again.

const COURSE = 'media-information-literacy';

describe.skipIf(!chromiumAvailable)('the completion moment and submissions that survive the link (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, COURSE);
  });

  /** A signed-in teacher with every module but the last passed, on the last module's page. */
  async function onLastModule(options: BrowserContextOptions = {}, name = 'Mary Jackson'): Promise<WatchedPage & { userId: number }> {
    const teacher = await createAccount(server, { name });
    await passModules(server, teacher.id, course, course.modules.slice(0, -1));
    const watched = await openPage(browser, server.url, options);
    await signIn(watched.page, teacher.email);
    await watched.page.goto(`/courses/${COURSE}/${course.modules.at(-1)!.slug}`);
    return { ...watched, userId: teacher.id };
  }

  const attemptsOf = async (userId: number) =>
    (
      await server.db
        .select()
        .from(quizAttempts)
        .where(and(eq(quizAttempts.userId, userId), eq(quizAttempts.moduleId, course.modules.at(-1)!.id)))
    ).length;

  /** The element's box lies wholly inside the viewport. */
  async function inViewport(locator: Locator): Promise<boolean> {
    const box = await locator.boundingBox();
    const view = locator.page().viewportSize()!;
    return !!box && box.height > 0 && box.y >= 0 && box.y + box.height <= view.height && box.x >= 0 && box.x + box.width <= view.width;
  }
  // tsconfig has no DOM types: the page's globals are described as far as they are read.
  type PageGlobals = {
    document: { activeElement: { id: string; hasAttribute(name: string): boolean } | null; documentElement: { scrollWidth: number; clientWidth: number } };
  };
  const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id ?? '');
  const retryFocused = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.hasAttribute('data-retry') ?? false);
  const sidewaysOverflow = (page: Page) =>
    page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });

  /** Answers the last quiz right, sends it with htmx and checks the moment: in view, focused, complete. */
  async function completeWithHtmx(watched: WatchedPage, screenshotName: string): Promise<string[]> {
    const { page } = watched;
    await answerQuiz(page, course.modules.at(-1)!, 'right');
    await markDocument(page);
    await page.locator('#quiz button[type="submit"]').click();
    const result = page.locator('#quiz-result');
    await result.waitFor();
    expect(await documentIsMarked(page)).toBe(true);
    await expect.poll(() => focusedId(page), POLL).toBe('quiz-result');
    expect(await result.getAttribute('role')).toBe('status');
    expect(await result.textContent()).toContain('You have completed this course.');
    // The certificate and what to do next are on screen, not 700 px above it.
    const actions = result.locator('.certificate-actions');
    await expect.poll(() => inViewport(result.locator('.completion-title')), POLL).toBe(true);
    for (const link of [
      actions.getByRole('link', { name: 'View your certificate' }),
      actions.getByRole('link', { name: 'Download PDF' }),
      actions.getByRole('link', { name: 'Open Badges file (JSON)' }),
    ]) {
      expect(await inViewport(link)).toBe(true);
    }
    const linkedIn = actions.getByRole('link', { name: /Add to LinkedIn profile/ });
    expect(await linkedIn.getAttribute('href')).toMatch(/^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME&/);
    // The copy button exists only with JavaScript, and copies the public link.
    const copy = actions.getByRole('button', { name: 'Copy link' });
    await copy.click();
    await expect.poll(() => actions.locator('.copy-status').textContent(), POLL).toMatch(/Link copied\.|select the link/);
    // The status box (swapped out of band) agrees, without a second copy of the panel.
    expect(await page.locator('#module-status').textContent()).toContain('You have completed this course.');
    expect(await page.locator('#module-status .certificate-actions').count()).toBe(0);
    // Nothing wider than the screen (a phone): the share field and the buttons wrap.
    expect(await sidewaysOverflow(page)).toBe(0);
    // What the teacher sees at that moment (reviewPage's screenshot is of the whole page).
    await page.screenshot({ path: path.join(SCREENSHOTS, `${screenshotName}-viewport.png`) });
    const problems = await reviewPage(page, screenshotName);
    const href = (await actions.getByRole('link', { name: 'View your certificate' }).getAttribute('href'))!;
    await Promise.all([page.waitForURL(`**${href}`), actions.getByRole('link', { name: 'View your certificate' }).click()]);
    expect(await page.locator('#certificate .certificate-status .status').textContent()).toBe('Valid');
    return problems;
  }

  it(
    'finishing a course shows the certificate actions in the viewport, with the focus on the result',
    async () => {
      const watched = await onLastModule({ permissions: ['clipboard-read', 'clipboard-write'] });
      const a11y = await completeWithHtmx(watched, 'completion-moment');
      expect(a11y).toEqual([]);
      expect(watched.problems).toEqual([]);
      await watched.context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the completion moment on a phone (390 x 844) in view and focused',
    async () => {
      const watched = await onLastModule({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, 'Dorothy Vaughan');
      const a11y = await completeWithHtmx(watched, 'completion-moment-phone');
      expect(a11y).toEqual([]);
      expect(watched.problems).toEqual([]);
      await watched.context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'records one attempt for a double-clicked submit button, which shows it is busy',
    async () => {
      const { page, problems, context, userId } = await onLastModule({}, 'Annie Easley');
      await answerQuiz(page, course.modules.at(-1)!, 'wrong');
      const button = page.locator('#quiz button[type="submit"]');
      // Hold the answer back a moment so the busy state can be seen.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/quiz', async (route) => {
        await held;
        await route.continue();
      });
      await button.dblclick();
      const busy = {
        disabled: await button.isDisabled(),
        label: await button.textContent(),
        ariaBusy: await page.locator('#quiz form').getAttribute('aria-busy'),
      };
      release();
      await page.locator('#quiz .alert-error').waitFor();
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(await attemptsOf(userId)).toBe(1);
      expect(busy).toEqual({ disabled: true, label: expect.stringContaining('Sending…'), ariaBusy: 'true' });
      expect(await focusedId(page)).toBe('quiz-result');
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps the answers when the connection fails, says so, and sends them again once back online',
    async () => {
      const { page, problems, context, userId } = await onLastModule({}, 'Christine Darden');
      const module = course.modules.at(-1)!;
      await answerQuiz(page, module, 'right');
      await context.setOffline(true);
      await page.locator('#quiz button[type="submit"]').click();
      const failed = page.locator('#quiz .submit-failed');
      await failed.waitFor();
      expect(await failed.getAttribute('role')).toBe('alert');
      expect(await failed.textContent()).toContain('your answers are kept in the form');
      await expect.poll(() => retryFocused(page), POLL).toBe(true);
      // The answers are still there: every right option checked.
      const q = module.quiz!.questions[0]!;
      const right = q.options.find((o) => o.correct)!;
      expect(await page.locator(`#quiz input[name="q.${q.id}"][value="${right.id}"]`).isChecked()).toBe(true);
      expect(await attemptsOf(userId)).toBe(0);

      await context.setOffline(false);
      await page.locator('#quiz [data-retry]').click();
      await page.locator('#quiz-result').waitFor();
      expect(await page.locator('#quiz-result').textContent()).toContain('You have completed this course.');
      await expect.poll(() => focusedId(page), POLL).toBe('quiz-result');
      expect(await attemptsOf(userId)).toBe(1);
      // What the failed request left behind, and only that: htmx's error log and the refused request.
      const unexpected = problems.filter((p) => !/htmx:error|Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(p));
      expect(unexpected).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps the answers on a server error (not swapped in) and records one attempt when sent again',
    async () => {
      const { page, problems, context, userId, expectStatus } = await onLastModule({}, 'Melba Roy');
      expectStatus({ status: 503, method: 'POST', path: /\/quiz$/ });
      await answerQuiz(page, course.modules.at(-1)!, 'right');
      // The server records the attempt but the answer is lost on the way back as a 503 from a proxy.
      await page.route('**/quiz', async (route) => {
        await route.fetch();
        await route.fulfill({ status: 503, contentType: 'text/html', body: '<h1>Service unavailable</h1>' });
      });
      await page.locator('#quiz button[type="submit"]').click();
      await page.locator('#quiz .submit-failed').waitFor();
      expect(await page.locator('#quiz h1').count()).toBe(0);
      expect(await attemptsOf(userId)).toBe(1);
      await page.unroute('**/quiz');
      await page.locator('#quiz [data-retry]').click();
      await page.locator('#quiz-result').waitFor();
      // The same form, the same key: the attempt already recorded answers, no second one.
      expect(await page.locator('#quiz-result').textContent()).toContain('You have completed this course.');
      expect(await attemptsOf(userId)).toBe(1);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'without JavaScript, the last result shows the certificate in view, focused, and leads to it',
    async () => {
      const { page, problems, context } = await onLastModule({ javaScriptEnabled: false }, 'Gladys West');
      await answerQuiz(page, course.modules.at(-1)!, 'right');
      await Promise.all([page.waitForURL(/\?attempt=\d+#quiz-result$/), page.locator('#quiz button[type="submit"]').click()]);
      const result = page.locator('#quiz-result');
      expect(await result.textContent()).toContain('You have completed this course.');
      expect(await focusedId(page)).toBe('quiz-result');
      const view = result.getByRole('link', { name: 'View your certificate' });
      expect(await inViewport(view)).toBe(true);
      // No copy button without JavaScript: the link is in a field to copy by hand.
      expect(await result.getByRole('button', { name: 'Copy link' }).isVisible()).toBe(false);
      const href = (await view.getAttribute('href'))!;
      expect(await result.locator('input.share-url').inputValue()).toBe(`${server.url}${href}`);
      const pdf = await fetchBytes(page, (await result.getByRole('link', { name: 'Download PDF' }).getAttribute('href'))!);
      expect(pdf.status).toBe(200);
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const json = await fetchBytes(page, (await result.getByRole('link', { name: 'Open Badges file (JSON)' }).getAttribute('href'))!);
      expect(JSON.parse(json.body.toString('utf8')).type).toContain('VerifiableCredential');
      await Promise.all([page.waitForURL(`**${href}`), view.click()]);
      expect(await page.locator('#certificate .certificate-status .status').textContent()).toBe('Valid');
      // The course page says the same afterwards.
      await page.goto(`/courses/${COURSE}`);
      expect(await page.locator(`.certificate-actions a[href="${href}"]`).count()).toBe(1);
      expect(problems).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
