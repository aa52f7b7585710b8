import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { hashPassword } from '../../server/auth/passwords.ts';
import { createUser } from '../../server/auth/queries.ts';
import type { CatalogueModule } from '../../server/courses/catalogue.ts';
import type { Role } from '../../server/db/schema.ts';
import { type Started, start } from '../../server/main.ts';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../bench/lib/server-process.ts';
import { createEmptyDatabase } from '../../bench/lib/databases.ts';
import { ROOT } from '../helpers.ts';
import { onPostgres } from '../support/database.ts';

// Shared set-up of the browser tests: the system's Chromium (never a downloaded one), the real
// server on a free local port, and the checks every page of a journey goes through (console
// errors, failed requests, axe-core, screenshots).

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const chromiumAvailable = isExecutable(CHROMIUM_PATH);

// vitest runs each file in its own worker process: a fresh marker named after the parent
// (vitest itself) keeps the warning to one per run instead of one per file.
function warnedRecently(marker: string): boolean {
  try {
    return Date.now() - fs.statSync(marker).mtimeMs < 10 * 60 * 1000;
  } catch {
    return false;
  }
}

if (!chromiumAvailable) {
  const marker = path.join(os.tmpdir(), `e2e-skip-warned-${process.ppid}`);
  if (!warnedRecently(marker)) {
    try {
      fs.writeFileSync(marker, '');
    } catch {
      // Warning twice is better than not at all.
    }
    console.warn(
      `\n[e2e] Browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH}.\n` +
        '[e2e] To run them: `apt-get install chromium`, or set CHROMIUM_PATH to a Chromium/Chrome executable.\n',
    );
  }
}

export const TEST_TIMEOUT = 60_000;
/** For expect.poll on what an htmx swap changes: generous, as the machine may be busy with other tests. */
export const POLL = { timeout: 10_000, interval: 50 };
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
export const PASSWORD = 'a long e2e passphrase 4 teachers';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface TestServer extends Started {
  tempDir: string;
  stop(): Promise<void>;
}

/** The real server (migrations, course loading, listening) on a fresh database file. */
/**
 * Starts the real server and Chromium before a describe block's tests and closes both after.
 * Register it first in the block: hooks run in order, so the block's own set-up sees both.
 */
export function useServerAndBrowser(): { server: TestServer; browser: Browser } {
  const env = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    [env.server, env.browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * A new empty database for one server, on the engine this run tests: a SQLite file in `tempDir`,
 * or a PostgreSQL database on DATABASE_URL's server (the server migrates it as on a first start).
 */
async function emptyDatabase(tempDir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!onPostgres) return { env: { DATABASE_PATH: path.join(tempDir, 'platform.sqlite') }, drop: async () => undefined };
  const database = await createEmptyDatabase(process.env.DATABASE_URL as string, 'e2e');
  return { env: { DATABASE_URL: database.url }, drop: database.drop };
}

export async function startServer(): Promise<TestServer> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
  const port = await freePort();
  const database = await emptyDatabase(tempDir);
  // An explicit env object: vitest may set process.env.BASE_URL, which must not leak in.
  const started = await start({
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: `http://127.0.0.1:${port}`,
    ...database.env,
    COURSES_PATH: path.join(ROOT, 'courses'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  if (started.url !== started.config.baseUrl) throw new Error(`server listens on ${started.url} but BASE_URL is ${started.config.baseUrl}`);
  return {
    ...started,
    tempDir,
    stop: async () => {
      await started.close();
      await database.drop();
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

let userCounter = 0;

/** A user written straight into the server's database (trainers and administrators have no sign-up form). */
export async function createAccount(
  server: TestServer,
  fields: { name: string; roles?: Role[]; email?: string; school?: string; region?: string; country?: string; language?: 'en' | 'ru' },
): Promise<{ id: number; email: string; name: string }> {
  userCounter++;
  const email = fields.email ?? `e2e-${userCounter}-${Date.now()}@example.org`;
  const id = await createUser(
    server.db,
    {
      email,
      name: fields.name,
      passwordHash: await hashPassword(PASSWORD),
      school: fields.school ?? '',
      region: fields.region ?? '',
      country: fields.country ?? '',
      language: fields.language ?? 'en',
      emailVerifiedAt: Date.now(),
    },
    ['teacher', ...(fields.roles ?? [])],
  );
  if (id === null) throw new Error(`user ${email} exists`);
  return { id, email, name: fields.name };
}

// ---------------------------------------------------------------------------------------------
// Problems: console errors, uncaught exceptions, failed requests and unexpected error statuses.

export interface ExpectedStatus {
  status: number;
  method?: string;
  path: RegExp;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  base: string;
  /** Everything that went wrong on the page so far; a journey ends by asserting it is empty. */
  problems: string[];
  /** Declares a deliberate error status (a 422 form, say) so it does not count as a problem. */
  expectStatus(expected: ExpectedStatus): void;
  /** Declares a download: Chromium aborts the navigation request that turned into a file. */
  expectDownload(path: RegExp): void;
}

export async function openPage(browser: Browser, base: string, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL: base, locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return watch(page, context, base);
}

export function watch(page: Page, context: BrowserContext, base: string): WatchedPage {
  const problems: string[] = [];
  const expected: ExpectedStatus[] = [];
  const downloads: RegExp[] = [];
  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs every 4xx/5xx response as a console error too; those are judged below, by status.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(msg.text())) return;
    problems.push(`console error on ${pathOf(page.url())}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception on ${pathOf(page.url())}: ${err.message}`));
  // ERR_ABORTED means the browser itself cancelled the request: a navigation cancels what the
  // old page still had in flight (Chromium fetches the favicon late, so it is often caught), and
  // htmx aborts a request a newer one replaces. A resource that really fails shows up as an error
  // status (below), a connection error or a CSP block (also a console error). A navigation that
  // is aborted is still a problem, unless it turned into an expected download.
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (failure === 'net::ERR_ABORTED') {
      if (!request.isNavigationRequest()) return;
      if (downloads.some((d) => d.test(pathOf(request.url())))) return;
    }
    problems.push(`request failed: ${request.method()} ${pathOf(request.url())}: ${failure}`);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status < 400) return;
    const method = response.request().method();
    const where = pathOf(response.url());
    if (expected.some((e) => e.status === status && (!e.method || e.method === method) && e.path.test(where))) return;
    problems.push(`HTTP ${status}: ${method} ${where}`);
  });
  return {
    page,
    context,
    base,
    problems,
    expectStatus: (e) => expected.push(e),
    expectDownload: (p) => downloads.push(p),
  };
}

// ---------------------------------------------------------------------------------------------
// Accessibility and screenshots.

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeSummary {
  page: string;
  url: string;
  violations: { id: string; impact: string | null | undefined; help: string; nodes: string[] }[];
  /** Rules that passed, and those axe could not decide (to review by hand). */
  passes: number;
  incomplete: { id: string; nodes: number }[];
}

/** Runs axe-core on the page as it is now; returns the violations, all of them written to test-artifacts/axe/. */
export async function axe(page: Page, name: string): Promise<AxeSummary> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summary: AxeSummary = {
    page: name,
    url: page.url(),
    violations: results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
    passes: results.passes.length,
    incomplete: results.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.length })),
  };
  const dir = path.join(ARTIFACTS, 'axe');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(summary, null, 2));
  return summary;
}

/** The violations that fail the build: serious and critical ones. */
export function seriousViolations(summary: AxeSummary): string[] {
  return summary.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${summary.page}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, caret: 'initial' });
}

/** Screenshot and axe check of a main page; the caller asserts on the returned serious violations. */
export async function reviewPage(page: Page, name: string): Promise<string[]> {
  await screenshot(page, name);
  return seriousViolations(await axe(page, name));
}

// ---------------------------------------------------------------------------------------------
// Journey steps shared by several files.

/**
 * Fills the quiz form: every correct option ('right'), or only wrong ones ('wrong', which scores 0).
 * Options are found by id (their order is shuffled); questions the attempt did not draw are not in the form.
 */
export async function answerQuiz(page: Page, module: CatalogueModule, mode: 'right' | 'wrong'): Promise<void> {
  if (!module.quiz) throw new Error(`module ${module.slug} has no quiz`);
  await page.locator('#quiz form').waitFor();
  for (const q of module.quiz.questions) {
    const input = (optionId: string) => page.locator(`#quiz form input[name="q.${q.id}"][value="${optionId}"]`);
    if ((await page.locator(`#quiz form input[name="q.${q.id}"]`).count()) === 0) continue;
    if (q.type === 'single') {
      const pick = q.options.find((o) => (mode === 'right' ? o.correct : !o.correct));
      if (!pick) throw new Error(`question ${q.id} has no ${mode} option`);
      await input(pick.id).check();
    } else {
      for (const o of q.options) await input(o.id).setChecked(mode === 'right' ? o.correct : !o.correct);
    }
  }
}

/** The progress bar of the module page's status box: its aria-valuenow. */
export async function progressValue(page: Page): Promise<number> {
  return Number(await page.locator('#module-status [role="progressbar"]').getAttribute('aria-valuenow'));
}

/** Marks the current document; the mark survives htmx swaps and disappears on any real page load. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as Record<string, unknown>).__marker = 1;
  });
}

export async function documentIsMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as Record<string, unknown>).__marker === 1);
}

/** Signs in through the real /login form. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.locator('#login-form button[type="submit"]').click()]);
}

/** The bytes the browser received for a URL, with the session of the page's context. */
export async function fetchBytes(page: Page, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const response = await page.request.get(url);
  return { status: response.status(), type: response.headers()['content-type'] ?? '', body: await response.body() };
}
