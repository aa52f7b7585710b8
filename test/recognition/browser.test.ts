import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import { competencyEvidence } from '../../server/db/schema.ts';
import { chromiumAvailable, createAccount, openPage, reviewPage, signIn, TEST_TIMEOUT, type TestServer, useServerAndBrowser } from '../e2e/browser.ts';

// Request -> review -> decision with plain forms (JavaScript off), then axe over the pages (it needs scripts on).

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe.skipIf(!chromiumAvailable)('recognised prior learning without JavaScript (browser)', () => {
  const env = useServerAndBrowser();
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = env);
  });

  it(
    'a teacher asks with a file, a trainer recognises some competencies, the teacher sees the decision',
    async () => {
      const teacher = await createAccount(server, { name: 'Vera Teacher', language: 'ru' });
      const trainer = await createAccount(server, { name: 'Tom Trainer', roles: ['trainer'] });
      const cohortId = await createCohort(server.db, { name: 'Tiksi', courses: [], startDate: '2026-01-01', dueDate: null, description: '' }, trainer.id);
      await addMember(server.db, cohortId, teacher.id);

      const t = await openPage(browser, server.url, { javaScriptEnabled: false, locale: 'ru-RU' });
      t.expectStatus({ status: 422, method: 'POST', path: /^\/recognition$/ });
      await signIn(t.page, teacher.email);
      await t.page.goto('/recognition?lang=ru');
      await t.page.locator('#f-provider').fill('Северный университет');
      await t.page.locator('#f-title').fill('Цифровая дидактика');
      await t.page.locator('#f-hours').fill('1,5');
      await t.page.locator('#f-completedOn').fill('2025-03-01');
      await t.page.locator('#f-certificate').setInputFiles({ name: 'сертификат.pdf', mimeType: 'application/pdf', buffer: PDF });
      // No competency ticked: the same form, with the message and the typed values.
      await Promise.all([t.page.waitForNavigation(), t.page.getByRole('button', { name: 'Отправить заявку' }).click()]);
      expect(await t.page.locator('#f-competencies-error').textContent()).toContain('Отметьте хотя бы одну компетенцию');
      expect(await t.page.locator('#f-title').inputValue()).toBe('Цифровая дидактика');
      await t.page.locator('input[name="competencies"][value="KD.3"]').check();
      await t.page.locator('input[name="competencies"][value="KC.2"]').check();
      await t.page.locator('#f-certificate').setInputFiles({ name: 'сертификат.pdf', mimeType: 'application/pdf', buffer: PDF });
      await Promise.all([t.page.waitForURL('**/recognition?notice=sent'), t.page.getByRole('button', { name: 'Отправить заявку' }).click()]);
      expect(await t.page.locator('.alert-success').textContent()).toContain('Заявка отправлена');

      const r = await openPage(browser, server.url, { javaScriptEnabled: false });
      await signIn(r.page, trainer.email);
      await r.page.goto('/recognition/review');
      await Promise.all([r.page.waitForNavigation(), r.page.getByRole('link', { name: 'Цифровая дидактика' }).click()]);
      expect(await r.page.getByRole('link', { name: /сертификат\.pdf/ }).count()).toBe(1);
      await r.page.locator('input[name="competencies"][value="KC.2"]').uncheck();
      await Promise.all([r.page.waitForURL('**/recognition/review?notice=decided'), r.page.getByRole('button', { name: 'Approve' }).click()]);
      expect(await r.page.locator('.alert-success').textContent()).toContain('The decision was saved');

      const evidence = await server.db.select().from(competencyEvidence);
      expect(evidence.map((e) => [e.userId, e.competency, e.kind])).toEqual([[teacher.id, 'KD.3', 'recognised']]);
      await t.page.goto('/recognition?lang=ru');
      expect(await t.page.locator('td').filter({ hasText: 'Признано: KD.3' }).count()).toBe(1);
      await t.page.getByRole('link', { name: 'Цифровая дидактика' }).click();
      const showPath = new URL(t.page.url()).pathname;
      expect([...t.problems, ...r.problems]).toEqual([]);

      // axe needs JavaScript in the page: the same pages again, scripts on.
      const ta = await openPage(browser, server.url, { locale: 'ru-RU' });
      await signIn(ta.page, teacher.email);
      for (const [path, name] of [
        ['/recognition?lang=ru', 'recognition-teacher-ru'],
        [showPath, 'recognition-show-owner'],
      ]) {
        await ta.page.goto(path!);
        expect(await reviewPage(ta.page, name!)).toEqual([]);
      }
      const ra = await openPage(browser, server.url);
      await signIn(ra.page, trainer.email);
      for (const [path, name] of [
        ['/recognition/review', 'recognition-review'],
        [showPath, 'recognition-show-decided'],
      ]) {
        await ra.page.goto(path!);
        expect(await reviewPage(ra.page, name!)).toEqual([]);
      }
      expect([...ta.problems, ...ra.problems]).toEqual([]);
    },
    TEST_TIMEOUT * 2,
  );
});
