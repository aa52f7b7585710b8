import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { createTestApp } from '../helpers.ts';

// The catalogue's search field: a plain GET form (q=) that htmx also sends to swap the list.

const ctx = await createTestApp();
const { app } = ctx;
const catalogue = await getCatalogue(ctx.db);
const course = (slug: string) => catalogue.course(slug)!;
const get = (query: string) => request(app).get(`/?${new URLSearchParams({ q: query })}`);
/** The titles of the courses listed, in order. */
const listed = (html: string) => [...html.matchAll(/<h[23]><a href="\/courses\/([a-z0-9-]+)"/g)].map((m) => m[1]);

describe('GET /?q= (catalogue search)', () => {
  it('finds an English course by a word of its title or summary, whatever its case', async () => {
    const res = await get('MEDIA');
    expect(res.status).toBe(200);
    expect(listed(res.text)).toEqual(['media-information-literacy']);
    expect(res.text).toContain('Showing 1 of 3 courses');
    expect(listed((await get('laurillard')).text)).toEqual(['ict-primary-education']);
  });

  it('finds the Russian course by a Russian word typed in capitals', async () => {
    const res = await get('АРКТИКЕ');
    expect(listed(res.text)).toEqual(['arctic-teaching-ict']);
  });

  it('finds Russian text typed without ё or in Latin letters, in either interface language', async () => {
    expect(listed((await get('поселками')).text)).toEqual(['arctic-teaching-ict']); // the module title has «посёлками»
    expect(listed((await get('Arktike')).text)).toEqual(['arctic-teaching-ict']);
    const ru = await request(app).get(`/?lang=ru&q=${encodeURIComponent('преподавание')}`);
    expect(listed(ru.text)).toEqual(['arctic-teaching-ict']);
  });

  it("finds a course by a word only a module's text has, and says which module", async () => {
    const primary = course('ict-primary-education');
    expect(primary.title + primary.summary).not.toMatch(/timetable/i);
    const res = await get('timetable');
    expect(listed(res.text)).toEqual(['ict-primary-education']);
    expect(res.text).toContain('Found in:');
    expect(res.text).toContain(`href="/courses/ict-primary-education/${primary.modules[0]!.slug}"`);
    // The same for a Russian module, typed in capitals.
    expect(listed((await get('ЭЛЕКТРОПИТАНИЯ')).text)).toEqual(['arctic-teaching-ict']);
  });

  it('needs every word, and says clearly when no course matches', async () => {
    const res = await get('timetable zebra');
    expect(res.status).toBe(200);
    expect(listed(res.text)).toEqual([]);
    expect(res.text).toContain('Showing 0 of 3 courses');
    expect(res.text).toContain('No course matches “timetable zebra”.');
    expect(res.text).toContain('<a href="/">Show all courses</a>');
  });

  it('says it in Russian too, and escapes the query it echoes', async () => {
    const res = await request(app).get(`/?lang=ru&q=${encodeURIComponent('<b>зебра</b>')}`);
    expect(res.text).toContain('Ни один курс не найден по запросу «&lt;b&gt;зебра&lt;/b&gt;».');
    expect(res.text).not.toContain('<b>зебра');
  });

  it('combines the search with the filters, and offers the search without them', async () => {
    expect(listed((await request(app).get('/?q=teachers&language=en')).text).sort()).toEqual(['ict-primary-education', 'media-information-literacy']);
    const none = await request(app).get('/?q=timetable&language=ru');
    expect(listed(none.text)).toEqual([]);
    expect(none.text).toContain('href="/?q=timetable"');
  });

  it('is a plain GET form that keeps what was typed, and htmx swaps the list as you type', async () => {
    const res = await get('Laurillard');
    expect(res.text).toMatch(/<form method="get" action="\/"[^>]*role="search"/);
    expect(res.text).toMatch(/<input id="f-q" name="q" type="search" value="Laurillard"/);
    expect(res.text).toMatch(/hx-trigger="input changed delay:\d+ms from:#f-q/);
    const fragment = await get('Laurillard').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text.trimStart()).toMatch(/^<div id="course-list">/);
    expect(listed(fragment.text)).toEqual(['ict-primary-education']);
  });

  it('never fails on odd input: repeated, empty or very long queries', async () => {
    expect(listed((await request(app).get('/?q=a&q=b')).text)).toHaveLength(3);
    expect(listed((await request(app).get('/?q=%20%20')).text)).toHaveLength(3);
    const long = await get(`primary ${'x'.repeat(500)}`);
    expect(long.status).toBe(200);
    expect(long.text).toMatch(/<input id="f-q" name="q" type="search" value="primary x{92}"/);
  });

  it('serves each search from the shared cache under its own URL', async () => {
    const fresh = await createTestApp();
    for (let round = 0; round < 2; round++) {
      expect(listed((await request(fresh.app).get('/?q=timetable')).text)).toEqual(['ict-primary-education']);
      expect(listed((await request(fresh.app).get('/?q=misleading')).text)).toEqual(['media-information-literacy']);
      expect(listed((await request(fresh.app).get('/?q=Timetable')).text)).toEqual(['ict-primary-education']);
      const htmx = await request(fresh.app).get('/?q=misleading').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
      expect(htmx.text).not.toContain('<html');
      expect(listed((await request(fresh.app).get('/')).text)).toHaveLength(3);
    }
  });
});

describe('course cards', () => {
  it('show the first 25 words of a long summary, and the rest behind "More"', async () => {
    const res = await request(app).get('/');
    for (const c of catalogue.courses) {
      const words = c.summary.split(/\s+/);
      expect(words.length).toBeGreaterThan(30);
      const html = (s: string) => s.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&#34;');
      const short = html(
        words
          .slice(0, 25)
          .join(' ')
          .replace(/[,;:–—-]+$/, ''),
      );
      expect(res.text).toContain(`<p lang="${c.language}">${short}<span class="ellipsis">…</span></p>`);
      expect(res.text).toContain(`${html(words.slice(25).join(' '))}</p>`);
      expect(res.text).not.toContain(`<p lang="${c.language}">${html(c.summary)}`);
    }
    expect(res.text.match(/<details class="more">\s*<summary>More/g)).toHaveLength(3);
  });
});
