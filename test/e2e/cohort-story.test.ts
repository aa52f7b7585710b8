import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { cohortMembers } from '../../server/db/schema.ts';
import { start } from '../../server/main.ts';
import { testDatabaseEnv } from '../support/database.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { ROOT } from '../helpers.ts';
import {
  chromiumAvailable,
  createAccount,
  documentIsMarked,
  launchBrowser,
  markDocument,
  openPage,
  POLL,
  reviewPage,
  signIn,
  TEST_TIMEOUT,
  type TestServer,
} from './browser.ts';
import { courseOf, passModules } from './seed.ts';

// The cohort page that tells the story: the summary filters the table in place, and actions on
// ticked learners (extend two of them, remind one now, by real e-mail) report what they did.

/** A port nobody listens on, for a BASE_URL known before the server starts. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe.skipIf(!chromiumAvailable)('cohort story page (browser)', () => {
  // The shared test server has no SMTP_URL: this one is started with the in-process SMTP server's.
  let server: TestServer;
  let browser: Browser;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    const database = await testDatabaseEnv();
    const port = await freePort();
    let started: Awaited<ReturnType<typeof start>>;
    [started, browser] = await Promise.all([
      start({
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: `http://127.0.0.1:${port}`,
        ...database,
        COURSES_PATH: `${ROOT}/courses`,
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
      }),
      launchBrowser(),
    ]);
    server = { ...started, tempDir: '', stop: () => started.close() };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  it(
    'filters by a summary count, extends two ticked learners, and reminds one now',
    async () => {
      const course = await courseOf(server, 'media-information-literacy');
      const trainer = await createAccount(server, { name: 'Tom Trainer', roles: ['trainer'] });
      const cohortId = await createCohort(
        server.db,
        { name: 'Story cohort', courses: [course.id], startDate: '2026-01-05', dueDate: '2026-02-01', description: '' },
        trainer.id,
      );
      const learner = async (name: string) => {
        const a = await createAccount(server, { name });
        await addMember(server.db, cohortId, a.id);
        return a;
      };
      const olga = await learner('Olga Overdue');
      const oscar = await learner('Oscar Overdue');
      const ivan = await learner('Ivan Intime');
      const dora = await learner('Dora Done');
      await passModules(server, dora.id, course, course.modules);
      await passModules(server, oscar.id, course, [course.modules[0]!]);
      await passModules(server, ivan.id, course, [course.modules[0]!]);
      await server.db
        .update(cohortMembers)
        .set({ dueDate: '2999-12-31' })
        .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, ivan.id)));

      const { page, problems } = await openPage(browser, server.url);
      await signIn(page, trainer.email);
      await page.goto(`/cohorts/${cohortId}`);
      const rows = page.locator('#cohort-table tbody tr');
      expect(await rows.count()).toBe(4);
      const summary = page.getByRole('navigation', { name: 'Learners by status' });
      const overdueLink = summary.getByRole('link', { name: /Overdue\s+2/ });
      expect(await overdueLink.count()).toBe(1);
      const a11y = await reviewPage(page, 'cohort-story');

      // The summary filters the table in place (htmx), updates the address and marks the filter.
      await markDocument(page);
      await overdueLink.click();
      await page.waitForURL((url) => url.searchParams.get('status') === 'overdue');
      await expect.poll(() => rows.count(), POLL).toBe(2);
      expect(await rows.allTextContents()).toEqual([expect.stringContaining('Olga Overdue'), expect.stringContaining('Oscar Overdue')]);
      expect(await documentIsMarked(page)).toBe(true);
      await expect.poll(() => summary.locator('[aria-current="true"]').textContent(), POLL).toMatch(/Overdue\s+2/);
      expect(await page.locator('#f-status').inputValue()).toBe('overdue');

      // Tick both (with their labels) and extend them: nobody is overdue any more.
      await page.getByRole('checkbox', { name: 'Select Olga Overdue' }).check();
      await page.getByRole('checkbox', { name: 'Select Oscar Overdue' }).check();
      expect(await page.getByRole('checkbox', { name: 'All on this page' }).isChecked()).toBe(true);
      await page.locator('#bulk-due').fill('2030-06-30');
      await Promise.all([page.waitForURL(/notice=extended/), page.getByRole('button', { name: 'Extend' }).click()]);
      expect(await page.locator('.alert-success').textContent()).toContain('Due date extended for 2 learners.');
      expect(await summary.getByRole('link', { name: /Overdue\s+0/ }).count()).toBe(1);
      const [row] = await server.db
        .select({ dueDate: cohortMembers.dueDate })
        .from(cohortMembers)
        .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, olga.id)));
      expect(row?.dueDate).toBe('2030-06-30');

      // Remind now: one ticked learner gets a real e-mail and the page says so.
      await page.getByRole('checkbox', { name: 'Select Ivan Intime' }).check();
      await Promise.all([page.waitForURL(/notice=reminded/), page.getByRole('button', { name: 'Remind now' }).click()]);
      expect(await page.locator('[role="status"].alert').first().textContent()).toContain('Reminders sent: 1.');
      await smtp.waitFor(1);
      expect(smtp.to(ivan.email)).toHaveLength(1);
      expect(smtp.to(olga.email)).toHaveLength(0);

      // The learner's own page, from the name in the matrix.
      await Promise.all([page.waitForURL(`**/cohorts/${cohortId}/learners/${ivan.id}`), page.getByRole('link', { name: 'Ivan Intime' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Ivan Intime');
      a11y.push(...(await reviewPage(page, 'cohort-learner')));

      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
