import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../helpers.ts';

const { app } = await createTestApp();

describe('GET /', () => {
  it('lists the three courses with language, hours and competencies (titles on hover)', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('ICT in Primary Education');
    expect(res.text).toContain('Преподавание в Арктике с ИКТ');
    expect(res.text).toContain('Media and Information Literacy for Teachers');
    expect(res.text).toContain('24 hours');
    expect(res.text).toMatch(/<abbr title="ICT-enhanced Teaching">KA\.3<\/abbr>/);
  });

  it('filters by language', async () => {
    const res = await request(app).get('/?language=ru');
    expect(res.text).toContain('Преподавание в Арктике с ИКТ');
    expect(res.text).not.toContain('>ICT in Primary Education<');
    expect(res.text).toContain('Showing 1 of 3 courses');
  });

  it('filters by competency, as a fragment for htmx', async () => {
    const res = await request(app).get('/?competency=KC.5').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.text).not.toContain('<html');
    expect(res.text).toContain('ICT in Primary Education');
    expect(res.text).not.toContain('Media and Information Literacy for Teachers');
  });

  it('ignores unknown filter values instead of failing', async () => {
    const res = await request(app).get('/?language=xx&competency=<script>');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Showing 3 of 3 courses');
  });
});

describe('GET /courses/:course', () => {
  it('shows the overview, the modules with minutes and competencies, and a sign-in prompt for visitors', async () => {
    const res = await request(app).get('/courses/ict-primary-education');
    expect(res.status).toBe(200);
    expect(res.text).toContain('The six learning types');
    expect(res.text).toMatch(/\d+ minutes/);
    expect(res.text).toContain('Sign in to enrol');
    expect(res.text).not.toContain('action="/courses/ict-primary-education/enrol"');
  });

  it('answers 404 with the friendly page for an unknown course', async () => {
    const res = await request(app).get('/courses/no-such-course');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no course at this address.');
  });
});

describe('GET /courses/:course/:module', () => {
  it('shows the module to visitors, with previous and next links', async () => {
    const res = await request(app).get('/courses/ict-primary-education/six-learning-types');
    expect(res.status).toBe(200);
    expect(res.text).toContain('rel="prev"');
    expect(res.text).toContain('rel="next"');
    expect(res.text).toContain('class="module-body"');
    expect(res.text).toContain('Reading is open to everyone');
  });

  it('marks Russian content with lang="ru" inside an English interface', async () => {
    const res = await request(app).get('/courses/arctic-teaching-ict/low-connectivity');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<article lang="ru">');
  });

  it('answers 404 for an unknown module', async () => {
    const res = await request(app).get('/courses/ict-primary-education/nope');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no such module in this course.');
  });
});
