import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { pdfObjects, readPdf } from '../certificates/pdf-text.ts';
import { chromiumAvailable, createAccount, openPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from './browser.ts';
import { courseOf, passModules } from './seed.ts';

// Done when: "The report prints on A4 landscape with all 18 competencies" — and without the form.

const A4_LANDSCAPE_PT = [842, 595];
// The printable width at 96 CSS px per inch: 297 mm less the 10 mm margins of @page.
const PRINTABLE_PX = ((297 - 2 * 10) / 25.4) * 96;

// The page's globals, typed here: the tests compile without the DOM library.
type PageGlobals = {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(el: unknown): { display: string };
};

describe.skipIf(!chromiumAvailable)('printing the compliance report (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = env);
    const mil = await courseOf(server, 'media-information-literacy');
    const people = [
      { name: 'Aisen Ivanov', school: 'Tiksi Secondary School No. 1 named after a long-remembered teacher', region: 'Sakha', country: 'Russia' },
      { name: 'Sardana Petrova', school: 'Yakutsk School 2', region: 'Sakha', country: 'Russia' },
      { name: 'Marja Eira', school: 'Kautokeino School', region: 'Finnmark', country: 'Norway' },
    ];
    for (const [i, p] of people.entries()) {
      const user = await createAccount(server, p);
      await passModules(server, user.id, mil, mil.modules.slice(0, i + 1));
    }
  });

  it(
    'prints on A4 landscape with every competency column and no filter form',
    async () => {
      const admin = await createAccount(server, { name: 'Ada Admin', roles: ['admin'] });
      const { page, problems } = await openPage(browser, server.url, { viewport: { width: 1366, height: 768 } });
      await signIn(page, admin.email);
      await page.goto(`${server.url}/admin/reports/compliance`);

      // On a 1366 px screen the wide tables scroll inside their box, never the page.
      const pageOverflow = () =>
        page.evaluate(() => {
          const root = (globalThis as unknown as PageGlobals).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
      expect(await pageOverflow()).toBeLessThanOrEqual(0);
      await page.goto(`${server.url}/admin/reports/compliance/teachers`);
      expect(await page.locator('td[data-held]').first().textContent()).toMatch(/^\d+ of 18$/);
      expect(await pageOverflow()).toBeLessThanOrEqual(0);
      await page.goto(`${server.url}/admin/reports/compliance`);

      const pdf = await page.pdf({ format: 'A4', landscape: true, preferCSSPageSize: true, printBackground: true });
      const pages = [...pdfObjects(pdf).values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dict));
      expect(pages.length).toBeGreaterThan(0);
      for (const p of pages) {
        const box = (/\/MediaBox\s*\[([^\]]+)\]/.exec(p.dict)?.[1] ?? '').trim().split(/\s+/).map(Number);
        expect([Math.round(box[2]! - box[0]!), Math.round(box[3]! - box[1]!)]).toEqual(A4_LANDSCAPE_PT);
      }
      // The printed text: every competency code, the metadata; not the form, not the download links.
      const text = readPdf(pdf).lines.join(' ');
      for (const c of COMPETENCIES) expect(text, c.code).toContain(c.code);
      expect(text).toContain('Teachers counted');
      expect(text).toMatch(/Generated at \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC/);
      expect(text).toContain('ISBN 978-92-3-100285-4');
      expect(text).not.toContain('Show report'); // the filter form's button
      expect(text).not.toContain('Download this report');

      // The same in the DOM under print media: no form, the table within the printable width, every column shown.
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: Math.floor(PRINTABLE_PX), height: 700 });
      expect(await page.locator('form.filter-form').evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).display)).toBe('none');
      expect(await page.locator('.export-links').evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).display)).toBe('none');
      expect(await page.locator('.site-header').evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).display)).toBe('none');
      const table = page.locator('table.group-table');
      const width = await table.evaluate((el) => el.getBoundingClientRect().width);
      expect(width).toBeLessThanOrEqual(PRINTABLE_PX);
      for (const c of COMPETENCIES) {
        const header = table.locator('thead th', { hasText: c.code });
        await expect.poll(() => header.count()).toBe(1);
        const box = await header.boundingBox();
        expect(box, c.code).not.toBeNull();
        expect(box!.width, c.code).toBeGreaterThan(0);
        expect(box!.x + box!.width, c.code).toBeLessThanOrEqual(PRINTABLE_PX + 1);
      }
      // The metadata is printed: generation time, teachers counted, the framework citation.
      expect(await page.locator('.report-meta').isVisible()).toBe(true);
      expect(await page.locator('.attribution').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
