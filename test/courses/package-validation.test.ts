import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CoursePackageError, readCoursePackages } from '../../server/courses/package-reader.ts';
import { sql } from 'drizzle-orm';
import { rowObjects } from '../../server/db/client.ts';
import { ROOT } from '../helpers.ts';
import { databaseUrl, onPostgres, testDatabase } from '../support/database.ts';
import { COURSE_YAML, QUIZ, moduleFile, writePackages } from './fixtures.ts';

function problemsOf(root: string): string[] {
  try {
    readCoursePackages(root);
  } catch (err) {
    if (err instanceof CoursePackageError) return err.problems;
    throw err;
  }
  return [];
}

describe('course package validation', () => {
  it('accepts the three sample courses', () => {
    const packages = readCoursePackages(`${ROOT}/courses`);
    expect(packages.map((p) => p.slug).sort()).toEqual(['arctic-teaching-ict', 'ict-primary-education', 'media-information-literacy']);
    expect(packages.find((p) => p.slug === 'arctic-teaching-ict')?.language).toBe('ru');
  });

  it('accepts a valid package with a quiz', () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ quiz: QUIZ }) } });
    const [pkg] = readCoursePackages(root);
    expect(pkg?.modules[0]?.quiz?.questions).toHaveLength(2);
    expect(pkg?.modules[0]?.slug).toBe('intro');
  });

  it('refuses an unknown competency code, naming the file and field', () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ competencies: '[KA.1, KX.9]' }) } });
    const problems = problemsOf(root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/demo\/modules\/01-intro\.md: competencies\[1\]: unknown ICT-CFT competency "KX\.9" \(expected LEVEL\.ASPECT such as KD\.3\)/);
  });

  it('refuses a duplicate module slug', () => {
    const root = writePackages({
      demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile(), 'modules/02-intro.md': moduleFile() },
    });
    expect(problemsOf(root)).toEqual([expect.stringMatching(/02-intro\.md: slug: duplicate module slug "intro" \(also used by 01-intro\.md\)/)]);
  });

  it('refuses a quiz question without a correct answer', () => {
    const quiz = QUIZ.replace('- { id: b, text: "B", correct: true }', '- { id: b, text: "B" }');
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ quiz }) } });
    expect(problemsOf(root)).toEqual([expect.stringMatching(/01-intro\.md: quiz\.questions\[0\]\.options: no option is marked correct: true/)]);
  });

  it('refuses a single-choice question with two correct answers', () => {
    const quiz = QUIZ.replace('- { id: a, text: "A" }', '- { id: a, text: "A", correct: true }');
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ quiz }) } });
    expect(problemsOf(root)[0]).toMatch(/quiz\.questions\[0\]\.options: a single-choice question has 2 correct options \(expected exactly one\)/);
  });

  it('refuses a missing title in course.yaml and in a module', () => {
    const root = writePackages({
      demo: { 'course.yaml': COURSE_YAML.replace('title: Demo course\n', ''), 'modules/01-intro.md': moduleFile().replace('title: Demo module\n', '') },
    });
    const problems = problemsOf(root);
    expect(problems).toContainEqual(expect.stringMatching(/demo\/course\.yaml: title: is required \(expected string\)/));
    expect(problems).toContainEqual(expect.stringMatching(/01-intro\.md: title: is required \(expected string\)/));
  });

  it('refuses bad YAML with the line number', () => {
    const root = writePackages({ demo: { 'course.yaml': 'title: [unclosed\nsummary: x\n', 'modules/01-intro.md': moduleFile() } });
    expect(problemsOf(root)[0]).toMatch(/demo\/course\.yaml: YAML syntax error/);
  });

  it('refuses a module without front matter, a badly named file, an unknown field and a wrong type', () => {
    const root = writePackages({
      demo: {
        'course.yaml': `${COURSE_YAML}colour: blue\n`,
        'modules/01-intro.md': '# No front matter',
        'modules/Intro.md': moduleFile(),
        'modules/02-next.md': moduleFile().replace('minutes: 10', 'minutes: ten'),
      },
    });
    const problems = problemsOf(root);
    expect(problems).toContainEqual(expect.stringMatching(/course\.yaml: \(top level\): unknown field\(s\) "colour"/));
    expect(problems).toContainEqual(expect.stringMatching(/01-intro\.md: front matter: missing/));
    expect(problems).toContainEqual(expect.stringMatching(/Intro\.md: file name: expected NN-module-slug\.md/));
    expect(problems).toContainEqual(expect.stringMatching(/02-next\.md: minutes: expected number, got "ten"/));
  });

  it('is checked by npm run courses:check, which exits 1 and prints the problems', () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ competencies: '[KZ.1]' }) } });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/check-courses.ts', root], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown ICT-CFT competency "KZ.1"');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/check-courses.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('3 course package(s) valid.');
  });

  it('stops the server start with the same messages', async () => {
    const root = writePackages({ demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ competencies: '[KZ.1]' }) } });
    const { start } = await import('../../server/main.ts');
    // On PostgreSQL the server starts on a fresh test database of its own (found by asking a new one its name).
    const database = onPostgres
      ? { DATABASE_URL: databaseUrl((await rowObjects<{ name: string }>(await testDatabase(), sql`SELECT current_database() AS name`))[0]!.name) }
      : { DATABASE_PATH: ':memory:' };
    await expect(start({ ...database, COURSES_PATH: root, PORT: '0', LOG_LEVEL: 'silent' })).rejects.toThrow(/unknown ICT-CFT competency "KZ\.1"/);
  });
});
