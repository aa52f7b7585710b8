import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { CoursePackageError, loadCourses } from '../../server/courses/loader.ts';
import { readCoursePackages } from '../../server/courses/package-reader.ts';
import { rubricMaximum } from '../../server/courses/package-schema.ts';
import { courses, modules } from '../../server/db/schema.ts';
import { ROOT } from '../helpers.ts';
import { testDatabase } from '../support/database.ts';
import { COURSE_YAML, moduleFile, writePackages } from './fixtures.ts';

// A module's `assignment:` (docs/COURSE-FORMAT.md, "Assignments"): validated like quizzes, with
// the file and field named, stored with its defaults and its brief rendered, and updated on reload.

/** A valid assignment: two criteria of 0/1/2 and 0/2/4 points (6 at most), threshold 4. */
const ASSIGNMENT = `assignment:
  title: A lesson for a day without internet
  brief: |
    ## What to hand in
    A lesson plan for **one** lesson.
    <script>alert("x")</script>
  rubric:
    threshold: 4
    criteria:
      - id: design
        title: Design for no connection
        levels:
          - { points: 0, label: Not yet, description: Needs the internet. }
          - { points: 1, label: Partly, description: Some parts work offline. }
          - { points: 2, label: Secure, description: Works offline throughout. }
      - id: pupils
        title: Pupils' activity
        levels:
          - { points: 0, label: Not yet, description: Pupils watch. }
          - { points: 2, label: Partly, description: Pupils do one task. }
          - { points: 4, label: Secure, description: Pupils create something. }`;

/** A package whose one module (competencies KA.4, KD.4, KC.3) has the assignment, edited by `edit`. */
function packageWith(edit: (yaml: string) => string = (y) => y, competencies = '[KA.4, KD.4, KC.3]'): string {
  return writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-offline.md': moduleFile({ competencies, quiz: edit(ASSIGNMENT) }) } });
}

function problemsOf(root: string): string[] {
  try {
    readCoursePackages(root);
  } catch (err) {
    if (err instanceof CoursePackageError) return err.problems;
    throw err;
  }
  return [];
}

describe('assignments in a course package', () => {
  it('reads an assignment with its defaults: every kind of artefact, the module’s KD and KC competencies', () => {
    const assignment = readCoursePackages(packageWith())[0]?.modules[0]?.assignment;
    expect(assignment).toMatchObject({
      title: 'A lesson for a day without internet',
      accepts: ['text', 'file', 'link'],
      competencies: ['KD.4', 'KC.3'],
      rubric: { threshold: 4, criteria: [{ id: 'design' }, { id: 'pupils' }] },
    });
    expect(assignment?.rubric.criteria[1]?.levels.map((l) => l.points)).toEqual([0, 2, 4]);
  });

  it('evidences all of the module’s competencies when it claims no KD or KC one', () => {
    const assignment = readCoursePackages(packageWith(undefined, '[KA.1, KA.4]'))[0]?.modules[0]?.assignment;
    expect(assignment?.competencies).toEqual(['KA.1', 'KA.4']);
  });

  it('reads the kinds and competencies the author gives', () => {
    const root = packageWith((y) => y.replace('  rubric:', '  accepts: [link, file]\n  competencies: [KC.3]\n  rubric:'));
    expect(readCoursePackages(root)[0]?.modules[0]?.assignment).toMatchObject({ accepts: ['link', 'file'], competencies: ['KC.3'] });
  });

  it('leaves a module without an assignment with none', () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile() } });
    expect(readCoursePackages(root)[0]?.modules[0]?.assignment).toBeNull();
  });

  it('refuses each mistake with the file and field named', () => {
    const cases: [string, (yaml: string) => string, RegExp][] = [
      [
        'unreachable threshold',
        (y) => y.replace('threshold: 4', 'threshold: 9'),
        /01-offline\.md: assignment\.rubric\.threshold: threshold 9 is more than the 6 points the rubric can give \(expected 1 to 6\)$/,
      ],
      ['zero threshold', (y) => y.replace('threshold: 4', 'threshold: 0'), /01-offline\.md: assignment\.rubric\.threshold: expected at least 1 point to pass$/],
      [
        'duplicate criterion id',
        (y) => y.replace('id: pupils', 'id: design'),
        /01-offline\.md: assignment\.rubric\.criteria\[1\]\.id: duplicate criterion id "design"$/,
      ],
      [
        'levels not increasing',
        (y) => y.replace('{ points: 4, label: Secure', '{ points: 2, label: Secure'),
        /01-offline\.md: assignment\.rubric\.criteria\[1\]\.levels\[2\]\.points: 2 is not more than the 2 points of the level before \(expected points to increase from level to level\)$/,
      ],
      [
        'negative points',
        (y) => y.replace('{ points: 0, label: Not yet, description: Needs', '{ points: -1, label: Not yet, description: Needs'),
        /assignment\.rubric\.criteria\[0\]\.levels\[0\]\.points: expected 0 or more points$/,
      ],
      [
        'fractional points',
        (y) => y.replace('{ points: 1, label: Partly', '{ points: 1.5, label: Partly'),
        /assignment\.rubric\.criteria\[0\]\.levels\[1\]\.points: expected a whole number of points$/,
      ],
      [
        'a competency the module does not claim',
        (y) => y.replace('  rubric:', '  competencies: [KD.4, KC.6]\n  rubric:'),
        /01-offline\.md: assignment\.competencies\[1\]: "KC\.6" is not among the module's competencies \(expected one of KA\.4, KD\.4, KC\.3\)$/,
      ],
      [
        'an unknown kind of artefact',
        (y) => y.replace('  rubric:', '  accepts: [text, video]\n  rubric:'),
        /01-offline\.md: assignment\.accepts\[1\]: unknown kind "video" \(expected text, file, link\)$/,
      ],
      [
        'no kinds at all',
        (y) => y.replace('  rubric:', '  accepts: []\n  rubric:'),
        /01-offline\.md: assignment\.accepts: expected at least one of text, file, link/,
      ],
      ['a missing brief', (y) => y.replace(/ {2}brief: \|\n(?: {4}.*\n)+/, ''), /01-offline\.md: assignment\.brief: is required \(expected string\)$/],
      ['a missing rubric', (y) => y.slice(0, y.indexOf('  rubric:')), /01-offline\.md: assignment\.rubric: is required \(expected object\)$/],
      [
        'one level only',
        (y) => y.replace(/( {10}- \{ points: [12], label: Partly.*\n)/, '').replace(/ {10}- \{ points: 2, label: Secure, description: Works.*\n/, ''),
        /assignment\.rubric\.criteria\[0\]\.levels: expected at least 2 levels$/,
      ],
      ['an unknown field', (y) => y.replace('  rubric:', '  due: tomorrow\n  rubric:'), /01-offline\.md: assignment: unknown field\(s\) "due"$/],
      ['a short title', (y) => y.replace('title: A lesson for a day without internet', 'title: "A"'), /01-offline\.md: assignment\.title: /],
    ];
    for (const [name, edit, message] of cases) expect(problemsOf(packageWith(edit)), name).toEqual([expect.stringMatching(message)]);
  });

  it('loads nothing when an assignment is wrong', async () => {
    const db = await testDatabase();
    await expect(
      loadCourses(
        db,
        packageWith((y) => y.replace('threshold: 4', 'threshold: 7')),
      ),
    ).rejects.toThrow(CoursePackageError);
    expect(await db.select().from(courses)).toEqual([]);
    expect(await db.select().from(modules)).toEqual([]);
  });

  it('is checked the same way by npm run courses:check', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/check-courses.ts', packageWith((y) => y.replace('threshold: 4', 'threshold: 9'))], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/01-offline\.md: assignment\.rubric\.threshold: threshold 9 is more than the 6 points the rubric can give/);
  });
});

describe('loading assignments', () => {
  it('stores the assignment with its brief rendered and sanitised, and the catalogue hands it out', async () => {
    const db = await testDatabase();
    await loadCourses(db, packageWith());
    const assignment = (await getCatalogue(db)).module('demo', 'offline')?.module.assignment;
    expect(assignment).toMatchObject({ title: 'A lesson for a day without internet', accepts: ['text', 'file', 'link'], competencies: ['KD.4', 'KC.3'] });
    expect(assignment?.briefHtml).toContain('<h2>What to hand in</h2>');
    expect(assignment?.briefHtml).toContain('<strong>one</strong>');
    expect(assignment?.briefHtml).not.toMatch(/<script/i);
    expect(assignment).not.toHaveProperty('brief');
    expect(assignment?.rubric.criteria.map((c) => c.levels.length)).toEqual([3, 3]);
  });

  it('updates the stored assignment when the package changes, and removes it when the package drops it', async () => {
    const db = await testDatabase();
    const root = packageWith();
    await loadCourses(db, root);
    const before = (await getCatalogue(db)).module('demo', 'offline')!.module;

    const file = path.join(root, 'demo/modules/01-offline.md');
    fs.writeFileSync(
      file,
      moduleFile({
        competencies: '[KA.4, KD.4, KC.3]',
        quiz: ASSIGNMENT.replace('threshold: 4', 'threshold: 5').replace('title: A lesson', 'title: Another lesson'),
      }),
    );
    await loadCourses(db, root);
    const edited = (await getCatalogue(db)).module('demo', 'offline')!.module;
    expect(edited.id).toBe(before.id);
    expect(edited.assignment).toMatchObject({ title: 'Another lesson for a day without internet', rubric: { threshold: 5 } });

    fs.writeFileSync(file, moduleFile({ competencies: '[KA.4, KD.4, KC.3]' }));
    await loadCourses(db, root);
    expect((await getCatalogue(db)).module('demo', 'offline')?.module.assignment).toBeNull();
  });
});

describe('the sample courses’ assignments', () => {
  it('give every module that claims a KD or KC competency an assignment it can pass, in the course’s language', async () => {
    const db = await testDatabase();
    await loadCourses(db, `${ROOT}/courses`);
    const catalogue = await getCatalogue(db);
    expect(catalogue.courses).toHaveLength(3);
    for (const course of catalogue.courses) {
      for (const mod of course.modules) {
        const where = `${course.slug}/${mod.slug}`;
        if (!mod.competencies.some((c) => !c.startsWith('KA.'))) continue;
        const assignment = mod.assignment;
        expect(assignment, where).not.toBeNull();
        const { threshold, criteria } = assignment!.rubric;
        expect(criteria.length, where).toBeGreaterThanOrEqual(3);
        expect(criteria.length, where).toBeLessThanOrEqual(4);
        expect(
          criteria.every((c) => c.levels.length >= 3 && c.levels.length <= 4),
          where,
        ).toBe(true);
        expect(threshold, where).toBeLessThanOrEqual(rubricMaximum(criteria));
        // A sensible bar: more than half the points, without asking for the best level everywhere.
        expect(threshold, where).toBeGreaterThan(rubricMaximum(criteria) / 2);
        expect(threshold, where).toBeLessThan(rubricMaximum(criteria));
        expect(
          assignment!.competencies.every((c) => mod.competencies.includes(c)),
          where,
        ).toBe(true);
        expect(
          assignment!.competencies.some((c) => !c.startsWith('KA.')),
          where,
        ).toBe(true);
        expect(assignment!.briefHtml.length, where).toBeGreaterThan(100);
        const cyrillic = /[а-яё]/i.test(assignment!.title + assignment!.briefHtml + criteria.map((c) => c.title).join(''));
        expect(cyrillic, where).toBe(course.language === 'ru');
      }
    }
    const count = catalogue.courses.flatMap((c) => c.modules).filter((m) => m.assignment).length;
    expect(count).toBe(15);
  });
});
