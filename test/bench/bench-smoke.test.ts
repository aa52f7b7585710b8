import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../../bench/lib/databases.ts';
import { runPages } from '../../bench/lib/pages.ts';
import { SECTION, writeBlock } from '../../bench/lib/pages-table.ts';
import { onPostgres } from '../support/database.ts';

// Keeps the page benchmark's harness working (seeding, both servers, load, evidence check)
// with a tiny population. It asserts that numbers came out and nothing failed, never how fast.

describe('npm run bench (smoke)', () => {
  it('measures the baseline and a few scenarios with no errors, and finds every acknowledged completion', async () => {
    // On a PostgreSQL run, the benchmark seeds and serves a database of its own on that server.
    const database = onPostgres ? await createEmptyDatabase(process.env.DATABASE_URL as string) : undefined;
    const report = await runPages({
      teachers: 200,
      duration: 1,
      connections: 5,
      warmup: 0.2,
      only: ['catalogue', 'module', 'complete'],
      database: database?.url,
    }).finally(() => database?.drop());
    expect(report.scenarios.map((s) => s.name)).toEqual(['catalogue', 'module', 'complete']);
    for (const s of [report.baseline, report.baselineAgain, ...report.scenarios]) {
      expect(s.ok, s.name).toBeGreaterThan(0);
      expect(s.rps, s.name).toBeGreaterThan(0);
      expect(Number.isFinite(s.p50) && Number.isFinite(s.p99), s.name).toBe(true);
      expect(s.unexpected, `${s.name} ${JSON.stringify(s.statuses)}`).toBe(0);
      expect(s.errors, s.name).toBe(0);
      expect(s.ratio, s.name).toBeGreaterThan(0);
    }
    expect(report.evidence).toMatchObject({ found: report.evidence?.acknowledged, duplicates: 0, missingCertificates: 0, integrity: 'ok', ok: true });
    expect(report.evidence?.acknowledged).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
  }, 60_000);

  it('rewrites only its own block of docs/PERFORMANCE.md', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pdp-perf-')), 'PERFORMANCE.md');
    fs.writeFileSync(file, '# Performance\n\nIntro.\n\n## Report export (npm run bench:report)\n\nTheirs.\n');
    writeBlock(file, 'pages', 'first figures');
    writeBlock(file, 'crash', 'crash figures');
    fs.appendFileSync(file, '\n## Cohorts (npm run bench:cohort)\n\nAlso theirs.\n');
    writeBlock(file, 'pages', 'second figures');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('## Report export (npm run bench:report)\n\nTheirs.\n');
    expect(text).toContain('## Cohorts (npm run bench:cohort)\n\nAlso theirs.\n');
    expect(text).toContain(`${SECTION}\n`);
    expect(text).toContain('<!-- bench:pages -->\nsecond figures\n<!-- /bench:pages -->');
    expect(text).toContain('<!-- bench:crash -->\ncrash figures\n<!-- /bench:crash -->');
    expect(text).not.toContain('first figures');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
