import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { createOrganisation } from '../../server/organisations/queries.ts';
import {
  chromiumAvailable,
  markDocument,
  documentIsMarked,
  openPage,
  PASSWORD,
  POLL,
  reviewPage,
  TEST_TIMEOUT,
  type TestServer,
  useServerAndBrowser,
} from './browser.ts';

// The school picker of sign-up, in Chromium: live search with JavaScript (the page is not
// reloaded), and a plain GET search then the same form without it.

describe.skipIf(!chromiumAvailable)('school picker on sign-up (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;
  let tiksi: number;

  beforeAll(async () => {
    ({ server, browser } = env);
    const ru = await createOrganisation(server.db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    const sakha = await createOrganisation(server.db, { kind: 'region', parentId: ru, code: 'RU-SA', nameEn: 'Sakha (Yakutia)', nameRu: 'Якутия' });
    tiksi = await createOrganisation(server.db, { kind: 'school', parentId: sakha, code: '1401', nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1' });
  });

  const fillDetails = async (page: import('playwright-core').Page, email: string) => {
    await page.locator('#f-name').fill('Olga Petrova');
    await page.locator('#f-email').fill(email);
    await page.locator('#f-password').fill(PASSWORD);
  };
  const organisationOf = async (email: string) => (await server.db.select({ id: users.organisationId }).from(users).where(eq(users.email, email)))[0]?.id;

  it(
    'finds the school as the teacher types and signs them up into it',
    async () => {
      const { page, problems } = await openPage(browser, server.url);
      await page.goto('/signup');
      await markDocument(page);
      await page.locator('#f-schoolQuery').pressSequentially('тикси', { delay: 30 });
      const choice = page.getByRole('radio', { name: /Tiksi School No\. 1 — Sakha \(Yakutia\), Russia/ });
      await expect.poll(() => choice.count(), POLL).toBe(1);
      expect(await documentIsMarked(page)).toBe(true); // updated in place, not reloaded
      await choice.check();
      problems.push(...(await reviewPage(page, 'school-picker-live')));
      const email = `olga-live-${Date.now()}@example.org`;
      await fillDetails(page, email);
      await Promise.all([page.waitForURL(/\/dashboard/), page.locator('#signup-form button[type="submit"]').click()]);
      expect(await organisationOf(email)).toBe(tiksi);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'works without JavaScript: a search form first, then the sign-up form with the matches',
    async () => {
      const { page, problems } = await openPage(browser, server.url, { javaScriptEnabled: false });
      await page.goto('/signup');
      await page.locator('#f-schoolQuery').fill('tiksi');
      await Promise.all([page.waitForURL(/schoolQuery=tiksi/), page.locator('form.school-search button[type="submit"]').click()]);
      const choice = page.getByRole('radio', { name: /Tiksi School No\. 1/ });
      expect(await choice.count()).toBe(1);
      await choice.check();
      const email = `olga-plain-${Date.now()}@example.org`;
      await fillDetails(page, email);
      await Promise.all([page.waitForURL(/\/dashboard/), page.locator('#signup-form button[type="submit"]').click()]);
      expect(await organisationOf(email)).toBe(tiksi);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
