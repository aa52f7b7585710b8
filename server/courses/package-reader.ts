import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Assignment, Quiz } from '../db/schema.ts';
import {
  ASSIGNMENT_DEFAULT_ACCEPTS,
  MODULE_FILE,
  SLUG,
  authorErrorMap,
  courseSchema,
  issuePath,
  moduleFrontMatterSchema,
  QUIZ_DEFAULTS,
  type CourseYaml,
  type ModuleFrontMatter,
} from './package-schema.ts';

/** An assignment as read: the brief is still Markdown (the loader renders it like the module body). */
export type AssignmentPackage = Omit<Assignment, 'briefHtml'> & { brief: string };

export interface ModulePackage {
  slug: string;
  position: number;
  file: string;
  title: string;
  minutes: number;
  competencies: string[];
  quiz: Quiz | null;
  assignment: AssignmentPackage | null;
  markdown: string;
}

export interface CoursePackage extends CourseYaml {
  slug: string;
  dir: string;
  modules: ModulePackage[];
}

/** Thrown with every problem found, one "file: field: what was expected" line each. */
export class CoursePackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Course packages are invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function parseYaml(text: string, file: string, problems: string[], lineOffset = 0): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = (err.linePos?.[0]?.line ?? 0) + lineOffset;
      problems.push(`${display(file)}: YAML syntax error${line ? ` on line ${line}` : ''}: ${err.message.split('\n')[0]}`);
    }
    return undefined;
  }
  return doc.toJS();
}

function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, problems: string[]): z.output<S> | undefined {
  const result = schema.safeParse(data ?? {}, { error: authorErrorMap });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push(`${display(file)}: ${issuePath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  return undefined;
}

/** Splits "---\n<yaml>\n---\n<markdown>"; returns null when the front matter fence is missing. */
function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1] ?? '', body: match[2] ?? '' } : null;
}

function readModule(file: string, position: number, slug: string, problems: string[]): ModulePackage | undefined {
  const split = splitFrontMatter(fs.readFileSync(file, 'utf8'));
  if (!split) {
    problems.push(`${display(file)}: front matter: missing (expected the file to start with a line "---", YAML fields, then "---")`);
    return undefined;
  }
  const data = parseYaml(split.yaml, file, problems, 1);
  if (data === undefined) return undefined;
  const fm = validate(moduleFrontMatterSchema, data, file, problems);
  if (!fm) return undefined;
  if (split.body.trim().length === 0) problems.push(`${display(file)}: body: empty (expected Markdown content after the front matter)`);
  const quiz: Quiz | null = fm.quiz
    ? {
        passMark: fm.quiz.pass_mark,
        maxAttempts: fm.quiz.max_attempts ?? null,
        waitMinutes: fm.quiz.wait_minutes ?? QUIZ_DEFAULTS.waitMinutes,
        waitAfterFailures: fm.quiz.wait_after_failures ?? QUIZ_DEFAULTS.waitAfterFailures,
        shuffleQuestions: fm.quiz.shuffle_questions ?? QUIZ_DEFAULTS.shuffleQuestions,
        shuffleOptions: fm.quiz.shuffle_options ?? QUIZ_DEFAULTS.shuffleOptions,
        draw: fm.quiz.draw ?? fm.quiz.questions.length,
        explanations: fm.quiz.explanations ?? QUIZ_DEFAULTS.explanations,
        questions: fm.quiz.questions.map((q) => ({ ...q, options: q.options.map((o) => ({ ...o })) })),
      }
    : null;
  const competencies = [...new Set<string>(fm.competencies)];
  return { slug, position, file, title: fm.title, minutes: fm.minutes, competencies, quiz, assignment: readAssignment(fm, competencies), markdown: split.body };
}

/**
 * Fills an assignment's defaults in: every kind of artefact, and the module's deeper competencies
 * (KD and KC: the levels that need assessed work to count as demonstrated), or all of them when
 * the module claims none.
 */
function readAssignment(fm: ModuleFrontMatter, moduleCompetencies: string[]): AssignmentPackage | null {
  const a = fm.assignment;
  if (!a) return null;
  const deeper = moduleCompetencies.filter((c) => !c.startsWith('KA.'));
  return {
    title: a.title,
    brief: a.brief,
    accepts: [...new Set(a.accepts ?? ASSIGNMENT_DEFAULT_ACCEPTS)],
    competencies: a.competencies ? [...new Set(a.competencies)] : deeper.length > 0 ? deeper : moduleCompetencies,
    rubric: {
      threshold: a.rubric.threshold,
      criteria: a.rubric.criteria.map((c) => ({ id: c.id, title: c.title, levels: c.levels.map((l) => ({ ...l })) })),
    },
  };
}

function readCourse(dir: string, slug: string, problems: string[]): CoursePackage | undefined {
  const yamlFile = path.join(dir, 'course.yaml');
  if (!SLUG.test(slug))
    problems.push(`${display(dir)}: folder name: ${JSON.stringify(slug)} is not a valid course slug (expected lowercase letters, digits and hyphens)`);
  if (!fs.existsSync(yamlFile)) {
    problems.push(`${display(yamlFile)}: file: missing (expected course.yaml with title, summary, language, licence, hours)`);
    return undefined;
  }
  const data = parseYaml(fs.readFileSync(yamlFile, 'utf8'), yamlFile, problems);
  const course = data === undefined ? undefined : validate(courseSchema, data, yamlFile, problems);

  const modulesDir = path.join(dir, 'modules');
  const files = fs.existsSync(modulesDir)
    ? fs
        .readdirSync(modulesDir)
        .filter((f) => !f.startsWith('.'))
        .sort()
    : [];
  if (files.length === 0) problems.push(`${display(modulesDir)}: modules: none found (expected files named NN-module-slug.md)`);
  const modules: ModulePackage[] = [];
  const seenSlugs = new Map<string, string>();
  const seenPositions = new Map<number, string>();
  for (const name of files) {
    const file = path.join(modulesDir, name);
    const match = MODULE_FILE.exec(name);
    if (!match) {
      problems.push(`${display(file)}: file name: expected NN-module-slug.md (two digits, a hyphen, lowercase letters, digits and hyphens)`);
      continue;
    }
    const position = Number(match[1]);
    const moduleSlug = match[2] as string;
    if (seenSlugs.has(moduleSlug)) {
      problems.push(`${display(file)}: slug: duplicate module slug ${JSON.stringify(moduleSlug)} (also used by ${seenSlugs.get(moduleSlug)})`);
      continue;
    }
    if (seenPositions.has(position)) {
      problems.push(`${display(file)}: position: duplicate number ${match[1]} (also used by ${seenPositions.get(position)})`);
      continue;
    }
    seenSlugs.set(moduleSlug, name);
    seenPositions.set(position, name);
    const mod = readModule(file, position, moduleSlug, problems);
    if (mod) modules.push(mod);
  }
  return course ? { ...course, slug, dir, modules } : undefined;
}

/** Reads and validates every package under `root`; throws CoursePackageError listing every problem. */
export function readCoursePackages(root: string): CoursePackage[] {
  if (!fs.existsSync(root)) throw new CoursePackageError([`${display(root)}: folder: missing (expected a folder of course packages)`]);
  const problems: string[] = [];
  const packages: CoursePackage[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const pkg = readCourse(path.join(root, entry.name), entry.name, problems);
    if (pkg) packages.push(pkg);
  }
  if (problems.length > 0) throw new CoursePackageError(problems);
  return packages;
}
