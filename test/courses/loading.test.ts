import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { loadCourses } from '../../server/courses/loader.ts';
import { moduleProgress, modules } from '../../server/db/schema.ts';
import { makeUser } from '../helpers.ts';
import { testDatabase } from '../support/database.ts';
import { COURSE_YAML, moduleFile, writePackages } from './fixtures.ts';

describe('loading course packages', () => {
  it('is idempotent: loading twice changes nothing', async () => {
    const root = writePackages({
      demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile(), 'modules/02-more.md': moduleFile({ competencies: '[KD.3, KC.6]' }) },
    });
    const db = await testDatabase();
    await loadCourses(db, root);
    const before = await db.select().from(modules).orderBy(modules.id);
    await loadCourses(db, root);
    const after = await db.select().from(modules).orderBy(modules.id);
    expect(after).toHaveLength(2);
    expect(after.map((m) => [m.id, m.slug, m.bodyHtml])).toEqual(before.map((m) => [m.id, m.slug, m.bodyHtml]));
    expect((await getCatalogue(db)).course('demo')?.competencies).toEqual(['KA.1', 'KD.3', 'KC.6']);
  });

  it("keeps learners' progress when a module's text is edited", async () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ body: 'Old text' }) } });
    const db = await testDatabase();
    await loadCourses(db, root);
    const mod = (await getCatalogue(db)).module('demo', 'intro')!.module;
    const user = await makeUser(db);
    await db.insert(moduleProgress).values({ userId: user.id, moduleId: mod.id, status: 'completed', firstViewedAt: 1, lastActivityAt: 1, completedAt: 1 });

    fs.writeFileSync(path.join(root, 'demo/modules/01-intro.md'), moduleFile({ body: 'New text', title: 'Renamed title' }));
    await loadCourses(db, root);
    const edited = (await getCatalogue(db)).module('demo', 'intro')!.module;
    expect(edited.id).toBe(mod.id);
    expect(edited.title).toBe('Renamed title');
    expect(edited.bodyHtml).toContain('New text');
    expect(await db.select().from(moduleProgress).where(eq(moduleProgress.moduleId, mod.id))).toHaveLength(1);
  });

  it('archives a removed module (hidden, records kept) and brings it back if restored', async () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile(), 'modules/02-gone.md': moduleFile() } });
    const db = await testDatabase();
    await loadCourses(db, root);
    const gone = (await getCatalogue(db)).module('demo', 'gone')!.module;
    const user = await makeUser(db);
    await db.insert(moduleProgress).values({ userId: user.id, moduleId: gone.id, status: 'in_progress', firstViewedAt: 1, lastActivityAt: 1 });

    const content = fs.readFileSync(path.join(root, 'demo/modules/02-gone.md'), 'utf8');
    fs.rmSync(path.join(root, 'demo/modules/02-gone.md'));
    const report = await loadCourses(db, root);
    expect(report.archived).toBe(1);
    expect((await getCatalogue(db)).module('demo', 'gone')).toBeUndefined();
    const [archived] = await db.select().from(modules).where(eq(modules.id, gone.id));
    expect(archived?.archived).toBe(true);
    expect(await db.select().from(moduleProgress)).toHaveLength(1);

    fs.writeFileSync(path.join(root, 'demo/modules/02-gone.md'), content);
    await loadCourses(db, root);
    expect((await getCatalogue(db)).module('demo', 'gone')?.module.id).toBe(gone.id);
  });

  it('archives a course whose folder is removed', async () => {
    const root = writePackages({
      demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile() },
      other: { 'course.yaml': COURSE_YAML, 'modules/01-a.md': moduleFile() },
    });
    const db = await testDatabase();
    await loadCourses(db, root);
    fs.rmSync(path.join(root, 'other'), { recursive: true });
    const report = await loadCourses(db, root);
    expect(report.archived).toBe(1); // the course (its modules go with it, uncounted)
    expect((await getCatalogue(db)).courses.map((c) => c.slug)).toEqual(['demo']);
  });
});

describe('Markdown rendering', () => {
  it('sanitises scripts, event attributes and javascript: links, and keeps safe Markdown', async () => {
    const body = [
      '## Title',
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(2)">',
      '[bad](javascript:alert(3)) [good](https://example.org)',
      '![pic](assets/photo.png)',
      '| a | b |\n|---|---|\n| 1 | 2 |',
    ].join('\n\n');
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ body }) } });
    const db = await testDatabase();
    await loadCourses(db, root);
    const html = (await getCatalogue(db)).module('demo', 'intro')!.module.bodyHtml;
    expect(html).toContain('<h2>Title</h2>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]+onerror/i);
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="https://example.org" rel="noopener noreferrer"');
    expect(html).toContain('src="/courses/demo/assets/photo.png"');
    expect(html).toContain('<table>');
  });
});
