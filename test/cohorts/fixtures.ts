import { count, eq } from 'drizzle-orm';
import type { Db } from '../../server/db/client.ts';
import { cohortMembers, enrolments, users } from '../../server/db/schema.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { createCohort } from '../../server/cohorts/queries.ts';
import { createTestApp, userAgent, type TestContext } from '../helpers.ts';

export type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

/** Two sample courses of the catalogue, sorted the way the dashboard shows them (by title). */
export async function twoCourses(db: Db) {
  return (await getCatalogue(db)).courses.slice(0, 2);
}

/** An app with a signed-in trainer who owns one cohort of two courses. */
export async function trainerWithCohort(options: Parameters<typeof createTestApp>[0] = {}) {
  const ctx = await createTestApp(options);
  const trainer = await userAgent(ctx, { roles: ['trainer'] });
  const courses = await twoCourses(ctx.db);
  const cohortId = await createCohort(
    ctx.db,
    { name: 'Yakutsk spring', courses: courses.map((c) => c.id), startDate: '2026-01-10', dueDate: null, description: '' },
    trainer.user.id,
  );
  return { ctx, trainer, cohortId, courses };
}

export async function counts(db: Db, cohortId: number) {
  const [u] = await db.select({ n: count() }).from(users);
  const [m] = await db.select({ n: count() }).from(cohortMembers).where(eq(cohortMembers.cohortId, cohortId));
  const [e] = await db.select({ n: count() }).from(enrolments);
  return { users: u?.n ?? 0, members: m?.n ?? 0, enrolments: e?.n ?? 0 };
}

/** Posts a CSV as a multipart upload, the way the import form sends it. */
export function upload(
  agent: Agent,
  cohortId: number,
  csv: string | Buffer,
  opts: { action?: 'preview' | 'confirm'; filename?: string; contentType?: string } = {},
) {
  const body = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv;
  return agent
    .post(`/cohorts/${cohortId}/members`)
    .field('action', opts.action ?? 'preview')
    .attach('file', body, { filename: opts.filename ?? 'list.csv', contentType: opts.contentType ?? 'text/csv' });
}

export type { TestContext };
