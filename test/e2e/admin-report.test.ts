import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
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

// Journey 4: an administrator filters the ICT-CFT compliance report and downloads it as CSV;
// the file states the same figures as the page.

describe.skipIf(!chromiumAvailable)('administrator journey (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = env);
    // Teachers in two countries; module 1 of the MIL course evidences KA.1 and KD.1, module 2 KA.2 and KD.3.
    const mil = await courseOf(server, 'media-information-literacy');
    const [m1, m2] = [mil.modules[0]!, mil.modules[1]!];
    const people = [
      { name: 'Aisen Ivanov', school: 'Tiksi School', region: 'Sakha', country: 'Russia', modules: [m1] },
      { name: 'Sardana Petrova', school: 'Yakutsk School 2', region: 'Sakha', country: 'Russia', modules: [m1, m2] },
      { name: 'Marja Eira', school: 'Kautokeino School', region: 'Finnmark', country: 'Norway', modules: [m1, m2] },
      { name: 'Oleg Nothing-Yet', school: 'Tiksi School', region: 'Sakha', country: 'Russia', modules: [] },
    ];
    for (const p of people) {
      const user = await createAccount(server, p);
      if (p.modules.length) await passModules(server, user.id, mil, p.modules);
    }
  });

  it(
    'filters the compliance report in place and downloads a CSV whose figures match the page',
    async () => {
      const admin = await createAccount(server, { name: 'Ada Admin', roles: ['admin'] });
      const { page, problems, expectDownload } = await openPage(browser, server.url);
      await signIn(page, admin.email);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.waitForURL('**/admin/reports/compliance');
      const teachersOnPage = async () => Number(await page.locator('#report-results dd[data-teachers]').getAttribute('data-teachers'));
      const countOnPage = async (code: string) =>
        Number(await page.locator(`#report-results .heat-map td.heat[data-code="${code}"]`).getAttribute('data-count'));
      expect(await countOnPage('KA.1')).toBe(3);

      // Filter by country: htmx swaps the results and pushes the filters into the address.
      await markDocument(page);
      await page.locator('#f-country').selectOption('Russia');
      await page.getByRole('button', { name: 'Show report' }).click();
      await page.waitForURL((url) => url.searchParams.get('country') === 'Russia');
      await expect.poll(teachersOnPage, POLL).toBe(3);
      expect(await documentIsMarked(page)).toBe(true);
      expect(await page.locator('#report-results dd[data-teachers]').textContent()).toBe('3');
      expect(await countOnPage('KA.1')).toBe(2);
      expect(await countOnPage('KA.2')).toBe(1);
      expect(await page.locator('#report-results .report-meta').textContent()).toContain('Country: Russia');
      const a11y = await reviewPage(page, 'compliance');

      // Download the CSV from the link of the filtered results.
      expectDownload(/^\/admin\/reports\/compliance\?/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV: summary and groups' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^ict-cft-compliance-\d{4}-\d{2}-\d{2}\.csv$/);
      const rows: string[][] = parse(fs.readFileSync(await download.path()), { bom: true, relax_column_count: true });
      const value = (label: string) => rows.find((r) => r[0] === label);
      expect(Number(value('Teachers counted')?.[1])).toBe(await teachersOnPage());
      expect(value('Filters')?.[1]).toContain('Country: Russia');
      for (const code of ['KA.1', 'KD.1', 'KA.2', 'KC.6']) {
        expect(Number(value(code)?.[2]), code).toBe(await countOnPage(code));
      }
      // One row per school, as on the page.
      const schoolsOnPage = await page.locator('#report-results .group-table tbody tr').count();
      const header = rows.findIndex((r) => r[0] === 'School' && r[1] === 'Teachers');
      expect(header).toBeGreaterThan(0);
      expect(rows.length - header - 1).toBe(schoolsOnPage);

      expect(a11y).toEqual([]);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
