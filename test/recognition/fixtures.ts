import { eq } from 'drizzle-orm';
import { afterEach } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { cohortMembers, cohortTrainers, cohorts, recognitions } from '../../server/db/schema.ts';
import { createTestApp, makeUser, userAgent, type TestContext } from '../helpers.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

/** A valid request (link only); tests override one field at a time. */
export function validRequest(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    provider: 'Open University',
    title: 'Digital pedagogy for primary teachers',
    hours: '12.5',
    completedOn: '2025-05-20',
    url: 'https://example.org/certificates/123',
    competencies: ['KA.1', 'KD.3', 'KC.2'],
    ...overrides,
  };
}

/** A form body as urlencoded text: repeated competencies, as a browser sends checkboxes. */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(key, v);
  return params.toString();
}

export async function makeCohort(db: Db, trainerId: number, memberIds: number[], status: 'active' | 'invited' = 'active'): Promise<number> {
  const [row] = await db
    .insert(cohorts)
    .values({ name: `Cohort ${trainerId}`, startDate: '2026-01-01', createdBy: trainerId, createdAt: Date.now() })
    .returning({ id: cohorts.id });
  const cohortId = row!.id;
  await db.insert(cohortTrainers).values({ cohortId, userId: trainerId });
  for (const userId of memberIds) await db.insert(cohortMembers).values({ cohortId, userId, addedAt: Date.now(), status });
  return cohortId;
}

export async function recognitionRows(db: Db, userId?: number) {
  return db
    .select()
    .from(recognitions)
    .where(userId === undefined ? undefined : eq(recognitions.userId, userId))
    .orderBy(recognitions.id);
}

/**
 * An app with mail to an in-process SMTP server, a teacher (in `language`), the trainer of their
 * cohort and an administrator, all signed in. The SMTP server closes after each test.
 */
export function useRecognitionSetup() {
  let smtp: TestSmtp | null = null;
  afterEach(async () => {
    await smtp?.close();
    smtp = null;
  });
  return async (opts: { language?: 'en' | 'ru' } = {}) => {
    smtp = await startSmtp();
    const ctx: TestContext = await createTestApp({ env: { SMTP_URL: smtp.url } });
    const teacher = await userAgent(ctx, { name: 'Tamara Teacher', language: opts.language ?? 'en' });
    const trainer = await userAgent(ctx, { roles: ['trainer'], name: 'Trevor Trainer' });
    const admin = await userAgent(ctx, { roles: ['admin'], name: 'Ada Admin' });
    const cohortId = await makeCohort(ctx.db, trainer.user.id, [teacher.user.id]);
    return { ctx, smtp, teacher, trainer, admin, cohortId };
  };
}

/** Submits a request as the agent and returns its id (the newest row of that user). */
export async function submitted(
  ctx: TestContext,
  who: Awaited<ReturnType<typeof userAgent>>,
  overrides: Record<string, string | string[]> = {},
): Promise<number> {
  const res = await who.agent
    .post('/recognition')
    .type('form')
    .send(formBody(validRequest(overrides)));
  if (res.status !== 303) throw new Error(`submit failed: ${res.status}`);
  const rows = await recognitionRows(ctx.db, who.user.id);
  return rows.at(-1)!.id;
}

export { makeUser };
