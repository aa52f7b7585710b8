import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueCourse } from '../../server/courses/catalogue.ts';
import {
  chromiumAvailable,
  createAccount,
  documentIsMarked,
  markDocument,
  openPage,
  reviewPage,
  signIn,
  POLL,
  TEST_TIMEOUT,
  type TestServer,
  useServerAndBrowser,
} from './browser.ts';
import { courseOf, passModules } from './seed.ts';

// Journey 3: a trainer creates a cohort, enrols teachers from a CSV file (preview, then
// confirm) and follows their progress module by module on the cohort page.

describe.skipIf(!chromiumAvailable)('trainer journey (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let course: CatalogueCourse;

  beforeAll(async () => {
    ({ server, browser } = env);
    course = await courseOf(server, 'media-information-literacy');
  });

  it(
    'creates a cohort, previews and confirms a CSV of teachers, and follows their progress',
    async () => {
      const trainer = await createAccount(server, { name: 'Tom Trainer', roles: ['trainer'] });
      // A teacher who already has an account and has passed the first module of the course.
      const existing = await createAccount(server, { name: 'Erin Existing', school: 'Tiksi School' });
      await passModules(server, existing.id, course, [course.modules[0]!]);

      const { page, problems } = await openPage(browser, server.url);
      await signIn(page, trainer.email);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cohorts' }).click();
      await page.waitForURL('**/cohorts');

      // Create the cohort with the form (htmx posts it and follows HX-Redirect).
      const due = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      await page.locator('#f-name').fill('Arctic MIL spring');
      await page.getByRole('checkbox', { name: course.title }).check();
      await page.locator('#f-dueDate').fill(due);
      await Promise.all([page.waitForURL(/\/cohorts\/\d+$/), page.locator('#cohort-form button[type="submit"]').click()]);
      const cohortPath = new URL(page.url()).pathname;
      expect(await page.locator('h1').textContent()).toBe('Arctic MIL spring');
      expect(await page.locator('#cohort-table .alert-info').textContent()).toContain('no members yet');

      // Upload the CSV: two new teachers, the existing one, and a row with a broken email.
      await page.getByRole('link', { name: 'Members and enrolment' }).click();
      await page.waitForURL(`**${cohortPath}/members`);
      const a11y = await reviewPage(page, 'cohort-members');
      const csv = [
        'email,name,school,region,country,language',
        'nina.novikova@example.org,Нина Новикова,Tiksi School,Sakha,Russia,ru',
        'noah.new@example.org,Noah New,Alta School,Finnmark,Norway,en',
        `${existing.email},Erin Existing,Tiksi School,Sakha,Russia,en`,
        'not-an-email,Broken Row,,,,',
      ].join('\n');
      await page.locator('#f-file').setInputFiles({ name: 'teachers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await Promise.all([page.waitForNavigation(), page.locator('#import-form button[value="preview"]').click()]);

      // The preview says what happens to each row, and nothing is saved yet. It does not tell the
      // trainer which addresses already have accounts.
      expect(await page.locator('h1').textContent()).toBe('Check the list before enrolling');
      const allRows = page.locator('#rows + .table-scroll tbody tr');
      expect(await allRows.count()).toBe(4);
      const outcomeOf = async (text: string) => (await allRows.filter({ hasText: text }).locator('td').last().textContent())?.trim();
      expect(await outcomeOf('nina.novikova@example.org')).toBe('Will be added or invited');
      expect(await outcomeOf('noah.new@example.org')).toBe('Will be added or invited');
      expect(await outcomeOf(existing.email)).toBe('Will be added or invited');
      expect(await outcomeOf('not-an-email')).toMatch(/^Error\s+This is not a valid email address\.$/);
      a11y.push(...(await reviewPage(page, 'cohort-preview')));

      // Confirm: two new accounts enrolled with a one-time sign-in link each; Erin, who had an
      // account, is invited.
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Confirm: enrol 3 teachers' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Teachers enrolled');
      expect(await page.locator('.alert-success').textContent()).toContain('2 teachers were added to Arctic MIL spring');
      expect(await page.locator('.alert-success').textContent()).toContain('1 invited: they join when they accept');
      expect(await page.locator('input.copy-field').count()).toBe(2);
      a11y.push(...(await reviewPage(page, 'cohort-imported')));

      // Erin accepts the invitation on her dashboard, in her own browser.
      const erinPage = await openPage(browser, server.url);
      await signIn(erinPage.page, existing.email);
      await erinPage.page.goto(`${server.url}/dashboard`);
      expect(await erinPage.page.locator('#invitations').textContent()).toContain('Arctic MIL spring');
      a11y.push(...(await reviewPage(erinPage.page, 'dashboard-invitation')));
      await Promise.all([erinPage.page.waitForURL('**/dashboard**'), erinPage.page.getByRole('button', { name: 'Join' }).click()]);
      expect(await erinPage.page.locator('#invitations').count()).toBe(0);
      expect(erinPage.problems).toEqual([]);
      await erinPage.context.close();

      // The progress dashboard: one row per learner, one status cell per module.
      await Promise.all([page.waitForURL(`**${cohortPath}`), page.getByRole('link', { name: 'Go to the progress dashboard' }).click()]);
      const rows = page.locator('#cohort-table tbody tr');
      expect(await rows.count()).toBe(3);
      const erin = rows.filter({ hasText: existing.email });
      // Module cells only (the progress column has the learner's own status); icon, then the words.
      const cells = erin.locator('td.cell .status');
      expect(await cells.count()).toBe(course.modules.length);
      expect(await cells.nth(0).textContent()).toBe('✓ Done');
      expect(await cells.nth(1).textContent()).toBe('○ Not started');
      expect(await erin.locator('.progress-label').textContent()).toBe('25%');
      const nina = rows.filter({ hasText: 'nina.novikova@example.org' });
      expect(await nina.locator('th').textContent()).toContain('Нина Новикова');
      expect(await nina.locator('td.cell .status').first().textContent()).toBe('○ Not started');
      expect(await page.locator('#cohort-table tfoot td.num').first().textContent()).toContain('1');
      a11y.push(...(await reviewPage(page, 'cohort')));

      // Searching the learners swaps the table in place and keeps the query in the address.
      await markDocument(page);
      await page.locator('#f-q').fill('Erin');
      await page.waitForURL((url) => url.searchParams.get('q') === 'Erin');
      await expect.poll(() => rows.count(), POLL).toBe(1);
      expect(await rows.first().textContent()).toContain(existing.email);
      expect(await documentIsMarked(page)).toBe(true);

      await page.getByRole('link', { name: 'All cohorts' }).click();
      await page.waitForURL('**/cohorts');
      expect(await page.locator('#cohort-list .card').textContent()).toContain('3 members');
      a11y.push(...(await reviewPage(page, 'cohorts')));

      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
