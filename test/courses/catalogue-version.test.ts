import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { bumpCatalogueVersion, CATALOGUE_CHECK_MS, getCatalogue } from '../../server/courses/catalogue.ts';
import { courses } from '../../server/db/schema.ts';
import { createTestApp } from '../helpers.ts';

// Another instance on the same database loads a course edit: this process's catalogue (and
// the signed-out pages cached with it) follows within a second, without a restart.

describe('the course catalogue across instances', () => {
  it('serves a course edit that another instance loaded, after the next version check', async () => {
    const ctx = await createTestApp();
    const before = await getCatalogue(ctx.db);
    const course = before.courses[0];
    if (!course) throw new Error('no course');
    expect((await request(ctx.app).get(`/courses/${course.slug}`)).text).toContain(course.title);

    // What another instance's load does: new content and a new version, in one transaction.
    const edited = `${course.title} (2027 edition)`;
    await ctx.db.transaction(async (tx) => {
      await tx.update(courses).set({ title: edited }).where(eq(courses.id, course.id));
      await bumpCatalogueVersion(tx);
    });
    // Until the next check this process still serves its snapshot (no query per request)...
    expect((await getCatalogue(ctx.db)).course(course.slug)?.title).toBe(course.title);

    await new Promise((resolve) => setTimeout(resolve, CATALOGUE_CHECK_MS + 50));
    expect((await getCatalogue(ctx.db)).course(course.slug)?.title).toBe(edited);
    const page = await request(ctx.app).get(`/courses/${course.slug}`);
    expect(page.text).toContain(edited);
    expect(page.text).not.toContain(`${course.title}<`);
  });

  it('keeps its snapshot when the version has not moved', async () => {
    const ctx = await createTestApp();
    const first = await getCatalogue(ctx.db);
    await new Promise((resolve) => setTimeout(resolve, CATALOGUE_CHECK_MS + 50));
    expect(await getCatalogue(ctx.db)).toBe(first);
  });
});
