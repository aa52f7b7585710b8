import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const COURSE_YAML = `title: Demo course
summary: A short demonstration course for tests.
language: en
licence: CC BY-SA 4.0
hours: 2
`;

export function moduleFile(fields: { title?: string; competencies?: string; minutes?: number; quiz?: string; body?: string } = {}): string {
  return `---
title: ${fields.title ?? 'Demo module'}
competencies: ${fields.competencies ?? '[KA.1]'}
minutes: ${fields.minutes ?? 10}
${fields.quiz ?? ''}
---

${fields.body ?? '## Hello\n\nSome text.'}
`;
}

export const QUIZ = `quiz:
  pass_mark: 50
  questions:
    - id: q1
      type: single
      prompt: "Pick b"
      options:
        - { id: a, text: "A" }
        - { id: b, text: "B", correct: true }
      explanation: "B is right."
    - id: q2
      type: multiple
      prompt: "Pick a and c"
      options:
        - { id: a, text: "A", correct: true }
        - { id: b, text: "B" }
        - { id: c, text: "C", correct: true }
      explanation: "A and C."`;

/** Writes packages into a fresh temporary folder: { slug: { 'course.yaml': ..., 'modules/01-x.md': ... } }. */
export function writePackages(packages: Record<string, Record<string, string>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'courses-'));
  for (const [slug, files] of Object.entries(packages)) {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(root, slug, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  }
  return root;
}
