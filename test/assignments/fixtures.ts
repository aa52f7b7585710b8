import { eq } from 'drizzle-orm';
import { type CatalogueModule, getCatalogue, invalidateCatalogue } from '../../server/courses/catalogue.ts';
import { type Assignment, modules } from '../../server/db/schema.ts';
import { COURSE_YAML, moduleFile, writePackages } from '../courses/fixtures.ts';
import { createTestApp, type TestContext, userAgent } from '../helpers.ts';

// A course of its own (not the sample courses): three modules, two with an assignment written
// straight into modules.assignment, so these tests do not depend on how packages spell one.

export const SLUG = 'assignment-course';
export const SEQUENTIAL = 'assignment-sequence';

export const RUBRIC: Assignment['rubric'] = {
  threshold: 4,
  criteria: [
    {
      id: 'plan',
      title: 'Plan of the lesson',
      levels: [
        { points: 0, label: 'Missing', description: 'No plan.' },
        { points: 1, label: 'Sketch', description: 'Some steps.' },
        { points: 3, label: 'Complete', description: 'Every step with timing.' },
      ],
    },
    {
      id: 'offline',
      title: 'Works offline',
      levels: [
        { points: 0, label: 'Online only', description: 'Needs the network throughout.' },
        { points: 2, label: 'Offline', description: 'Runs without a connection.' },
      ],
    },
  ],
};

export const ESSAY: Assignment = {
  title: 'A lesson for intermittent connectivity',
  briefHtml: '<p>Design <em>one lesson</em> that works offline.</p>',
  accepts: ['text', 'link'],
  competencies: ['KD.3', 'KC.3'],
  rubric: RUBRIC,
};

export const UPLOAD: Assignment = { ...ESSAY, title: 'A production plan', accepts: ['file'] };

export interface AssignmentCourse {
  ctx: TestContext;
  essay: CatalogueModule;
  upload: CatalogueModule;
  plain: CatalogueModule;
  /** The locked second module of the sequential course. */
  later: CatalogueModule;
}

export async function assignmentCourse(env: Record<string, string> = {}): Promise<AssignmentCourse> {
  const root = writePackages({
    [SLUG]: {
      'course.yaml': COURSE_YAML,
      'modules/01-essay.md': moduleFile({ title: 'Essay module', competencies: '[KD.3, KC.3]' }),
      'modules/02-upload.md': moduleFile({ title: 'Upload module', competencies: '[KD.3]' }),
      'modules/03-plain.md': moduleFile({ title: 'Plain module' }),
    },
    // In order: the second module (with an assignment) stays locked until the first is done.
    [SEQUENTIAL]: {
      'course.yaml': `${COURSE_YAML}sequential: true\n`,
      'modules/01-first.md': moduleFile({ title: 'First step' }),
      'modules/02-later.md': moduleFile({ title: 'Later step', competencies: '[KD.3, KC.3]' }),
    },
  });
  const ctx = await createTestApp({ courses: root, env });
  const before = await getCatalogue(ctx.db);
  await ctx.db
    .update(modules)
    .set({ assignment: ESSAY })
    .where(eq(modules.id, before.module(SLUG, 'essay')!.module.id));
  await ctx.db
    .update(modules)
    .set({ assignment: UPLOAD })
    .where(eq(modules.id, before.module(SLUG, 'upload')!.module.id));
  await ctx.db
    .update(modules)
    .set({ assignment: ESSAY })
    .where(eq(modules.id, before.module(SEQUENTIAL, 'later')!.module.id));
  invalidateCatalogue(ctx.db);
  const catalogue = await getCatalogue(ctx.db);
  const mod = (slug: string) => catalogue.module(SLUG, slug)!.module;
  return { ctx, essay: mod('essay'), upload: mod('upload'), plain: mod('plain'), later: catalogue.module(SEQUENTIAL, 'later')!.module };
}

export const pageUrl = (m: CatalogueModule) => `/courses/${SLUG}/${m.slug}`;
export const keyIn = (html: string) => /name="submissionKey" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];

/** A signed-in teacher enrolled in the course. */
export async function enrolledTeacher(ctx: TestContext, fields: Parameters<typeof userAgent>[1] = {}) {
  const teacher = await userAgent(ctx, fields);
  const res = await teacher.agent.post(`/courses/${SLUG}/enrol`);
  if (res.status !== 303) throw new Error(`enrol failed: ${res.status}`);
  return teacher;
}
