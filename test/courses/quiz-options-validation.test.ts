import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CoursePackageError, readCoursePackages } from '../../server/courses/package-reader.ts';
import { ROOT } from '../helpers.ts';
import { COURSE_YAML, QUIZ, moduleFile, writePackages } from './fixtures.ts';

// The quiz options of a module's front matter (docs/COURSE-FORMAT.md, "Quiz options"): read with
// their defaults, and refused with the file and field named when they cannot work.

function problemsOf(root: string): string[] {
  try {
    readCoursePackages(root);
  } catch (err) {
    if (err instanceof CoursePackageError) return err.problems;
    throw err;
  }
  return [];
}
/** A package whose one module has the fixture quiz (two questions) with these option lines added. */
const withOptions = (...lines: string[]) =>
  writePackages({
    demo: { 'course.yaml': COURSE_YAML, 'modules/01-intro.md': moduleFile({ quiz: QUIZ.replace('pass_mark: 50', ['pass_mark: 50', ...lines].join('\n  ')) }) },
  });

describe('quiz options in a course package', () => {
  it('reads every option the author gives', () => {
    const root = withOptions(
      'max_attempts: 4',
      'wait_minutes: 0',
      'wait_after_failures: 1',
      'shuffle_questions: false',
      'shuffle_options: false',
      'draw: 1',
      'explanations: always',
    );
    const quiz = readCoursePackages(root)[0]?.modules[0]?.quiz;
    expect(quiz).toMatchObject({
      passMark: 50,
      maxAttempts: 4,
      waitMinutes: 0,
      waitAfterFailures: 1,
      shuffleQuestions: false,
      shuffleOptions: false,
      draw: 1,
      explanations: 'always',
    });
  });

  it('fills in the defaults a trainer would accept: no limit, 10 minutes after the 3rd failure, shuffled, all drawn, explanations after a pass', () => {
    const quiz = readCoursePackages(withOptions())[0]?.modules[0]?.quiz;
    expect(quiz).toMatchObject({
      maxAttempts: null,
      waitMinutes: 10,
      waitAfterFailures: 3,
      shuffleQuestions: true,
      shuffleOptions: true,
      draw: 2,
      explanations: 'after_pass',
    });
  });

  it('refuses drawing more questions than there are, naming the file and field', () => {
    expect(problemsOf(withOptions('draw: 7'))).toEqual([
      expect.stringMatching(/demo\/modules\/01-intro\.md: quiz\.draw: 7 is more than the 2 questions \(expected 1 to 2\)$/),
    ]);
  });

  it('refuses impossible values, each with the file and field', () => {
    const cases: [string, RegExp][] = [
      ['draw: 0', /01-intro\.md: quiz\.draw: expected at least 1 question per attempt/],
      ['explanations: sometimes', /01-intro\.md: quiz\.explanations: expected after_pass, always or never/],
      ['shuffle_options: "yes"', /01-intro\.md: quiz\.shuffle_options: expected boolean, got "yes"/],
      ['shuffle_questions: 1', /01-intro\.md: quiz\.shuffle_questions: expected boolean, got 1/],
      ['wait_minutes: -5', /01-intro\.md: quiz\.wait_minutes: expected 0 \(no wait\) or more minutes/],
      ['wait_minutes: 20000', /01-intro\.md: quiz\.wait_minutes: expected at most 10080 minutes \(a week\)/],
      ['wait_after_failures: 0', /01-intro\.md: quiz\.wait_after_failures: expected 1 \(wait after every failed attempt\) or more/],
      ['max_attempts: 0', /01-intro\.md: quiz\.max_attempts: expected at least 1 \(leave it out for no limit\)/],
      ['draw_count: 2', /01-intro\.md: quiz: unknown field\(s\) "draw_count"/],
    ];
    for (const [line, message] of cases) expect(problemsOf(withOptions(line)), line).toEqual([expect.stringMatching(message)]);
  });

  it('is checked the same way by npm run courses:check', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/check-courses.ts', withOptions('draw: 3')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/01-intro\.md: quiz\.draw: 3 is more than the 2 questions/);
  });

  it('keeps the sample courses valid, drawing 5 of 6 questions where the Arctic course has six', () => {
    const packages = readCoursePackages(`${ROOT}/courses`);
    const quizzes = packages.flatMap((p) => p.modules.map((m) => ({ course: p.slug, module: m.slug, quiz: m.quiz! })));
    expect(quizzes.every(({ quiz }) => quiz.draw >= 1 && quiz.draw <= quiz.questions.length)).toBe(true);
    const drawn = quizzes
      .filter(({ quiz }) => quiz.draw < quiz.questions.length)
      .map(({ course, module, quiz }) => `${course}/${module}: ${quiz.draw} of ${quiz.questions.length}`);
    expect(drawn).toEqual(['arctic-teaching-ict/oer-climate-polar: 5 of 6', 'arctic-teaching-ict/circumpolar-networks: 5 of 6']);
  });
});
