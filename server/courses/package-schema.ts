import { z } from 'zod';
import { ARTEFACT_KINDS } from '../db/schema/values.ts';
import { isCompetencyCode } from '../framework/ict-cft.ts';

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MODULE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

export const courseSchema = z.strictObject({
  title: z.string().trim().min(3).max(200),
  summary: z.string().trim().min(10).max(2000),
  language: z.enum(['en', 'ru']),
  licence: z.string().trim().min(2).max(100),
  authors: z.array(z.string().trim().min(1)).default([]),
  hours: z.number().positive().max(1000),
  sequential: z.boolean().default(false),
  certificate: z.boolean().default(true),
});

const optionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,20}$/, 'expected a short id of lowercase letters or digits'),
  text: z.string().trim().min(1).max(500),
  correct: z.boolean().default(false),
});

const questionSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9_-]{1,20}$/, 'expected a short id of lowercase letters or digits'),
    type: z.enum(['single', 'multiple']),
    prompt: z.string().trim().min(1).max(1000),
    options: z.array(optionSchema).min(2).max(10),
    explanation: z.string().trim().min(1).max(2000),
  })
  .superRefine((q, ctx) => {
    const correct = q.options.filter((o) => o.correct).length;
    if (correct === 0) ctx.addIssue({ code: 'custom', path: ['options'], message: 'no option is marked correct: true (expected at least one correct answer)' });
    if (q.type === 'single' && correct > 1)
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a single-choice question has ${correct} correct options (expected exactly one)` });
    const ids = new Set<string>();
    q.options.forEach((o, i) => {
      if (ids.has(o.id)) ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `duplicate option id "${o.id}"` });
      ids.add(o.id);
    });
  });

/**
 * What a quiz does when its author says nothing, chosen so that it checks knowledge without
 * locking a teacher out (no one can reset attempts, so a hard limit is the author's choice):
 * - no attempt limit, but after the 3rd failed attempt (and each one after it) a 10-minute wait:
 *   a slip or two costs nothing, guessing round after round does, and rereading fits in 10 minutes;
 * - questions and options in a new order each attempt, so a retry is answered from the content,
 *   not from "it was the second one" (an author whose options refer to each other turns it off);
 * - every question asked (`draw` is for authors who wrote a larger pool on purpose);
 * - explanations after a pass only: they give the answers away, so shown after a failure they
 *   turn the next attempt into copying; a failed result still says which questions were wrong.
 */
export const QUIZ_DEFAULTS = {
  waitMinutes: 10,
  waitAfterFailures: 3,
  shuffleQuestions: true,
  shuffleOptions: true,
  explanations: 'after_pass',
} as const;

const WEEK_MINUTES = 7 * 24 * 60;

const quizSchema = z
  .strictObject({
    pass_mark: z.number().int().min(1).max(100),
    max_attempts: z.number().int().min(1, 'expected at least 1 (leave it out for no limit)').max(100).optional(),
    wait_minutes: z
      .number()
      .int()
      .min(0, 'expected 0 (no wait) or more minutes')
      .max(WEEK_MINUTES, `expected at most ${WEEK_MINUTES} minutes (a week)`)
      .optional(),
    wait_after_failures: z.number().int().min(1, 'expected 1 (wait after every failed attempt) or more').max(100).optional(),
    shuffle_questions: z.boolean().optional(),
    shuffle_options: z.boolean().optional(),
    draw: z.number().int().min(1, 'expected at least 1 question per attempt').optional(),
    explanations: z.enum(['after_pass', 'always', 'never'], 'expected after_pass, always or never').optional(),
    questions: z.array(questionSchema).min(1).max(50),
  })
  .superRefine((quiz, ctx) => {
    const ids = new Set<string>();
    quiz.questions.forEach((q, i) => {
      if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id "${q.id}"` });
      ids.add(q.id);
    });
    const total = quiz.questions.length;
    if (quiz.draw !== undefined && quiz.draw > total) {
      ctx.addIssue({
        code: 'custom',
        path: ['draw'],
        message: `${quiz.draw} is more than the ${total} question${total === 1 ? '' : 's'} (expected 1 to ${total})`,
      });
    }
  });

const SHORT_ID = /^[a-z0-9_-]{1,20}$/;

const rubricLevelSchema = z.strictObject({
  points: z.number().int('expected a whole number of points').min(0, 'expected 0 or more points'),
  label: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(1000),
});

const rubricCriterionSchema = z
  .strictObject({
    id: z.string().regex(SHORT_ID, 'expected a short id of lowercase letters or digits'),
    title: z.string().trim().min(1).max(200),
    levels: z.array(rubricLevelSchema).min(2, 'expected at least 2 levels').max(6, 'expected at most 6 levels'),
  })
  .superRefine((criterion, ctx) => {
    // Levels run from fewest points to most: the review form lists them so, and a trainer's
    // choice of a higher level must never score less.
    criterion.levels.forEach((level, i) => {
      const before = criterion.levels[i - 1];
      if (before && level.points <= before.points) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'points'],
          message: `${level.points} is not more than the ${before.points} points of the level before (expected points to increase from level to level)`,
        });
      }
    });
  });

/** The points a rubric can give at most: each criterion's highest level. */
export function rubricMaximum(criteria: readonly { levels: readonly { points: number }[] }[]): number {
  return criteria.reduce((sum, c) => sum + Math.max(0, ...c.levels.map((l) => l.points)), 0);
}

const rubricSchema = z
  .strictObject({
    threshold: z.number().int('expected a whole number of points').min(1, 'expected at least 1 point to pass'),
    criteria: z.array(rubricCriterionSchema).min(1, 'expected at least 1 criterion').max(10, 'expected at most 10 criteria'),
  })
  .superRefine((rubric, ctx) => {
    const ids = new Set<string>();
    rubric.criteria.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'id'], message: `duplicate criterion id "${c.id}"` });
      ids.add(c.id);
    });
    const max = rubricMaximum(rubric.criteria);
    if (rubric.threshold > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `threshold ${rubric.threshold} is more than the ${max} points the rubric can give (expected 1 to ${max})`,
      });
    }
  });

/** What a teacher hands in when the author says nothing: any of them. */
export const ASSIGNMENT_DEFAULT_ACCEPTS = ARTEFACT_KINDS;

const assignmentSchema = z.strictObject({
  title: z.string().trim().min(3).max(200),
  brief: z.string().trim().min(1).max(10000),
  accepts: z
    .array(
      z.enum(ARTEFACT_KINDS, {
        error: (issue) => `unknown kind ${JSON.stringify(issue.input)} (expected ${ARTEFACT_KINDS.join(', ')})`,
      }),
    )
    .min(1, `expected at least one of ${ARTEFACT_KINDS.join(', ')} (leave it out for all)`)
    .optional(),
  competencies: z.array(z.string()).min(1, "expected at least one of the module's competencies (leave it out for its KD and KC ones)").optional(),
  rubric: rubricSchema,
});

export const moduleFrontMatterSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    competencies: z
      .array(
        z.string().refine(isCompetencyCode, {
          error: (issue) => `unknown ICT-CFT competency ${JSON.stringify(issue.input)} (expected LEVEL.ASPECT such as KD.3)`,
        }),
      )
      .min(1, 'expected at least one ICT-CFT competency code'),
    minutes: z.number().int().positive().max(10000),
    quiz: quizSchema.optional(),
    assignment: assignmentSchema.optional(),
  })
  .superRefine((fm, ctx) => {
    // An assignment evidences only what its module claims: the catalogue, the profile and the
    // report read a module's competencies, and assessed evidence for another one would be invisible there.
    fm.assignment?.competencies?.forEach((code, i) => {
      if (!(fm.competencies as readonly string[]).includes(code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['assignment', 'competencies', i],
          message: `${JSON.stringify(code)} is not among the module's competencies (expected one of ${fm.competencies.join(', ')})`,
        });
      }
    });
  });

export type CourseYaml = z.output<typeof courseSchema>;
export type ModuleFrontMatter = z.output<typeof moduleFrontMatterSchema>;

/** Clearer wording than the defaults for the mistakes authors actually make. */
export const authorErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return undefined;
};

export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
