import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { competencyEvidence, sessionAttendance } from '../../server/db/schema.ts';
import { chromiumAvailable, createAccount, openPage, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from '../e2e/browser.ts';
import { courseOf } from '../e2e/seed.ts';

// A trainer runs a session end to end without JavaScript (plain forms only): create it, tick one
// member, then record another from a webinar export through its preview. Then each page passes
// axe, in a second context with JavaScript (axe runs as a script).

describe.skipIf(!chromiumAvailable)('live sessions in the browser, without JavaScript', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let cohortId: number;
  const people = {} as Record<'trainer' | 'anna' | 'boris', { id: number; email: string; name: string }>;

  beforeAll(async () => {
    ({ server, browser } = env);
    const course = await courseOf(server, 'media-information-literacy');
    people.trainer = await createAccount(server, { name: 'Tom Trainer', roles: ['trainer'] });
    people.anna = await createAccount(server, { name: 'Anna Ivanova' });
    people.boris = await createAccount(server, { name: 'Boris Petrov' });
    cohortId = await createCohort(
      server.db,
      { name: 'Arctic spring', courses: [course.id], startDate: '2026-01-01', dueDate: null, description: '' },
      people.trainer.id,
    );
    await addMember(server.db, cohortId, people.anna.id);
    await addMember(server.db, cohortId, people.boris.id);
  });

  it(
    'creates a session, records attendance by checklist and by file',
    async () => {
      const watched = await openPage(browser, server.url, { javaScriptEnabled: false });
      const { page } = watched;
      watched.expectStatus({ status: 422, method: 'POST', path: /\/sessions$/ });
      await signIn(page, people.trainer.email);
      await page.goto(`/cohorts/${cohortId}/sessions`);

      // A refused form first: the message names the field.
      await page.locator('#s-title').fill('ab');
      await page.locator('#session-form button[type="submit"]').click();
      await expect.poll(() => page.locator('#s-title-error').textContent()).toContain('at least 3 characters');

      await page.locator('#s-kind').selectOption('workshop');
      await page.locator('#s-title').fill('Mapping the tundra with pupils');
      await page.locator('#s-date').fill('2026-03-10');
      await page.locator('#s-time').fill('14:30');
      await page.locator('#s-minutes').fill('90');
      await page.locator('input[name="competencies"][value="KD.4"]').check();
      await page.locator('#session-form button[type="submit"]').click();
      await page.waitForURL(/\/sessions\/\d+\?notice=created/);
      const sessionPath = new URL(page.url()).pathname;

      await page.locator(`input[name="present"][value="${people.anna.id}"]`).check();
      await page.locator('#attendance-form button[type="submit"]').click();
      await page.waitForURL(/notice=attendance/);
      expect(await page.locator('#notice').textContent()).toContain('1 recorded, 0 removed');

      const upload = async (on: typeof page) => {
        await on.locator('#f-attendance-file').setInputFiles({
          name: 'participants.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(`Name (Original Name),User Email\nAnna,${people.anna.email}\nBoris,${people.boris.email}\nGuest,guest@elsewhere.test\n`),
        });
        await on.locator('#attendance-file-form button[type="submit"]').click();
        await on.locator('#problem-list').waitFor();
      };
      await upload(page);
      expect(await page.locator('#problem-list').textContent()).toContain('Row 4');
      await page.locator('#confirm-form button[name="action"][value="confirm"]').click();
      await page.waitForURL(/notice=attendance/);

      const attended = await server.db.select().from(sessionAttendance);
      expect(attended.map((a) => a.userId).sort()).toEqual([people.anna.id, people.boris.id].sort());
      const evidence = await server.db.select().from(competencyEvidence).where(eq(competencyEvidence.kind, 'participation'));
      expect(evidence.map((e) => e.competency)).toEqual(['KD.4', 'KD.4']);
      expect(watched.problems).toEqual([]);
      await watched.context.close();

      const scripted = await openPage(browser, server.url);
      await signIn(scripted.page, people.trainer.email);
      await scripted.page.goto(`/cohorts/${cohortId}/sessions`);
      const problems = await reviewPage(scripted.page, 'sessions-index');
      await scripted.page.goto(sessionPath);
      problems.push(...(await reviewPage(scripted.page, 'sessions-show')));
      await upload(scripted.page);
      problems.push(...(await reviewPage(scripted.page, 'sessions-preview')));
      expect(problems).toEqual([]);
      expect(scripted.problems).toEqual([]);
      await scripted.context.close();
    },
    TEST_TIMEOUT * 2,
  );
});
