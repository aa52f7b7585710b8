import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueCourse, CatalogueModule } from '../../server/courses/catalogue.ts';
import { cohortCourses, cohortMembers, cohortTrainers, cohorts } from '../../server/db/schema.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { chromiumAvailable, createAccount, openPage, POLL, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf } from './seed.ts';

// Journey: a teacher hands in work, a trainer assesses it below the threshold with feedback, the
// teacher reads the feedback and hands in a new version, the trainer passes it and the teacher's
// module shows it passed. Once with JavaScript (htmx swaps the hand-in section) and once without
// (every step a plain form and a 303).

const COURSE = 'media-information-literacy';

describe.skipIf(!chromiumAvailable)('review flow (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;
  let module: CatalogueModule;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, COURSE);
    module = course.modules.find((m) => m.assignment?.accepts.includes('text'))!;
  });

  /** A trainer with a cohort of the course, and an enrolled teacher in it. */
  async function people(label: string) {
    const trainer = await createAccount(server, { name: `Tess Trainer ${label}`, roles: ['trainer'] });
    const teacher = await createAccount(server, { name: `Olga Teacher ${label}` });
    const db = server.db;
    const [row] = await db
      .insert(cohorts)
      .values({ name: `Review cohort ${label}`, startDate: '2026-01-10', createdBy: trainer.id, createdAt: Date.now() })
      .returning({ id: cohorts.id });
    const cohortId = row!.id;
    await db.insert(cohortCourses).values({ cohortId, courseId: course.id });
    await db.insert(cohortTrainers).values({ cohortId, userId: trainer.id });
    await db.insert(cohortMembers).values({ cohortId, userId: teacher.id, addedAt: Date.now(), status: 'active' });
    await db.transaction((tx) => enrolInCourse(tx, { userId: teacher.id, course, baseUrl: server.config.baseUrl }));
    return { trainer, teacher, cohortId };
  }

  /** Clicks a submit button and waits for the page that follows (a plain form's 303, or htmx's swap). */
  async function handIn(page: Page, text: string, javaScript: boolean) {
    await page.locator('#assignment-text').fill(text);
    const button = page.locator('#assignment form button[type="submit"]');
    if (javaScript) {
      await button.click();
      await expect.poll(() => page.locator('#assignment .assignment-status').first().textContent(), POLL).toBe('waiting for review');
    } else {
      await Promise.all([page.waitForNavigation(), button.click()]);
    }
  }

  /** Chooses the lowest or the highest level of every criterion, writes the feedback and saves. */
  async function assess(page: Page, cohortId: number, choice: 'lowest' | 'highest', feedback: string, javaScript: boolean) {
    await page.goto(`/cohorts/${cohortId}/reviews`);
    expect(await page.locator('h2').first().textContent()).toBe('Waiting for review (1)');
    await Promise.all([page.waitForURL(/\/reviews\/\d+/), page.locator('.review-queue a.button').first().click()]);
    const groups = page.locator('fieldset.rubric-criterion');
    for (let i = 0; i < (await groups.count()); i++) {
      const radios = groups.nth(i).locator('input[type="radio"]');
      await (choice === 'lowest' ? radios.first() : radios.last()).check();
    }
    await page.locator('#feedback').fill(feedback);
    // axe runs in the page, so only where JavaScript runs.
    const a11y = javaScript ? await reviewPage(page, `review-${choice}`) : [];
    await Promise.all([page.waitForURL(/\/cohorts\/\d+\/reviews\?done=\d+/), page.getByRole('button', { name: 'Save the assessment' }).click()]);
    expect(await page.locator('.alert-success').textContent()).toContain(choice === 'lowest' ? 'needs work' : 'passed');
    return a11y;
  }

  for (const javaScript of [true, false]) {
    it(
      `takes work from hand-in through feedback and a new version to a pass ${javaScript ? 'with' : 'without'} JavaScript`,
      async () => {
        const label = javaScript ? 'js' : 'plain';
        const { trainer, teacher, cohortId } = await people(label);
        const teacherPage = await openPage(browser, server.url, { javaScriptEnabled: javaScript });
        const trainerPage = await openPage(browser, server.url, { javaScriptEnabled: javaScript });
        const modulePath = `/courses/${COURSE}/${module.slug}`;

        await signIn(teacherPage.page, teacher.email);
        await teacherPage.page.goto(modulePath);
        await handIn(teacherPage.page, 'My first plan: pupils film the school.', javaScript);
        expect(await teacherPage.page.locator('#assignment').textContent()).toContain('waiting for review');

        await signIn(trainerPage.page, trainer.email);
        const a11y = await assess(trainerPage.page, cohortId, 'lowest', 'Say who the audience is and how pupils check their sources.', javaScript);

        await teacherPage.page.goto(modulePath);
        const section = teacherPage.page.locator('#assignment');
        expect(await section.locator('.assignment-status').first().textContent()).toBe('needs work');
        expect(await section.textContent()).toContain('Say who the audience is and how pupils check their sources.');
        await handIn(teacherPage.page, 'Second plan: for parents, with a source check.', javaScript);

        // The trainer sees the first version and its feedback under the second.
        await trainerPage.page.goto(`/cohorts/${cohortId}/reviews`);
        await Promise.all([trainerPage.page.waitForURL(/\/reviews\/\d+/), trainerPage.page.locator('.review-queue a.button').first().click()]);
        expect(await trainerPage.page.locator('h1 + .meta').textContent()).toContain('2nd version');
        expect(await trainerPage.page.locator('.version-list').textContent()).toContain('My first plan');
        a11y.push(...(await assess(trainerPage.page, cohortId, 'highest', 'Well done.', javaScript)));

        await teacherPage.page.goto(modulePath);
        expect(await teacherPage.page.locator('#assignment .assignment-status').first().textContent()).toBe('passed');

        expect(a11y).toEqual([]);
        expect(teacherPage.problems).toEqual([]);
        expect(trainerPage.problems).toEqual([]);
        await teacherPage.context.close();
        await trainerPage.context.close();
      },
      TEST_TIMEOUT * 2,
    );
  }
});
