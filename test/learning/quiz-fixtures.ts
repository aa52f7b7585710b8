import { type Catalogue, type CatalogueModule, getCatalogue } from '../../server/courses/catalogue.ts';
import { COURSE_YAML, moduleFile, writePackages } from '../courses/fixtures.ts';
import { createTestApp, type TestContext } from '../helpers.ts';

// A course whose modules each try quiz options: single-choice questions q1..qN, option b right,
// every text numbered so a test can tell which question, option or explanation a page shows.

function question(i: number): string {
  return `    - id: q${i}
      type: single
      prompt: "Question number ${i}?"
      options:
        - { id: a, text: "Answer ${i}a" }
        - { id: b, text: "Answer ${i}b", correct: true }
        - { id: c, text: "Answer ${i}c" }
        - { id: d, text: "Answer ${i}d" }
      explanation: "Explained: ${i}b is how it works."`;
}

/** A quiz of `count` questions with the given option lines (YAML, two spaces in). */
export function optionsQuiz(count: number, options: string[] = []): string {
  const questions = Array.from({ length: count }, (_, i) => question(i + 1)).join('\n');
  return `quiz:\n  pass_mark: 60\n${options.map((line) => `  ${line}\n`).join('')}  questions:\n${questions}`;
}

export const MODULES = {
  drawn: moduleFile({ title: 'Drawn', quiz: optionsQuiz(8, ['draw: 3']) }),
  fixed: moduleFile({ title: 'Fixed', quiz: optionsQuiz(4, ['shuffle_questions: false', 'shuffle_options: false']) }),
  waiting: moduleFile({ title: 'Waiting', quiz: optionsQuiz(3, ['wait_minutes: 30', 'wait_after_failures: 1']) }),
  limited: moduleFile({ title: 'Limited', quiz: optionsQuiz(3, ['max_attempts: 2', 'wait_minutes: 0']) }),
  never: moduleFile({ title: 'Never', quiz: optionsQuiz(3, ['explanations: never', 'wait_minutes: 0']) }),
  always: moduleFile({ title: 'Always', quiz: optionsQuiz(3, ['explanations: always']) }),
  plain: moduleFile({ title: 'Plain', quiz: optionsQuiz(5) }),
} as const;

export async function optionsCourse(): Promise<{ ctx: TestContext; mod: (name: keyof typeof MODULES) => CatalogueModule; catalogue: Catalogue }> {
  const files: Record<string, string> = { 'course.yaml': COURSE_YAML };
  Object.entries(MODULES).forEach(([name, text], i) => {
    files[`modules/0${i + 1}-${name}.md`] = text;
  });
  const ctx = await createTestApp({ courses: writePackages({ 'options-course': files }) });
  const catalogue = await getCatalogue(ctx.db);
  const mod = (name: keyof typeof MODULES) => catalogue.module('options-course', name)!.module;
  return { ctx, mod, catalogue };
}

export const formBody = (fields: Record<string, string[] | string>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
};

export const keyIn = (html: string) => /name="submissionKey" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];

/** The quiz form's questions and options in the order shown: "q3:b" for each option. */
export function formOrder(html: string): string[] {
  const start = html.indexOf('<form method="post" action="/courses/options-course/');
  if (start < 0) return [];
  const form = html.slice(start, html.indexOf('</form>', start));
  return [...form.matchAll(/name="q\.([a-z0-9_-]+)" value="([a-z0-9_-]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** The question ids of the form, in order. */
export const formQuestions = (html: string) => [...new Set(formOrder(html).map((pair) => pair.split(':')[0]!))];

/** Answers for the given question ids: option b (right) or a (wrong). */
export function answers(ids: string[], mode: 'right' | 'wrong'): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [`q.${id}`, mode === 'right' ? 'b' : 'a']));
}

/** The review of an attempt's result (from its heading to the end of its section). */
export function reviewIn(html: string): string {
  const start = html.indexOf('class="quiz-review"');
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}
