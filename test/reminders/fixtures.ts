import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import type { Db } from '../../server/db/client.ts';
import {
  cohortCourses,
  cohortMembers,
  cohortTrainers,
  cohorts,
  moduleProgress,
  reminderRules,
  reminderSends,
  type ReminderRule,
} from '../../server/db/schema.ts';
import { smtpTransport } from '../../server/mail/transport.ts';
import { createTestApp, makeUser, userAgent } from '../helpers.ts';
import { afterEach } from 'vitest';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

export const DAY = 24 * 60 * 60 * 1000;
/** Noon UTC of a YYYY-MM-DD day: the run's "now" in tests. */
export const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

/** An app whose mail goes to a real in-process SMTP server, a trainer and a cohort of one course. */
export async function reminderSetup(opts: { smtp?: boolean; startDate?: string; dueDate?: string | null } = {}) {
  const smtp: TestSmtp | null = opts.smtp === false ? null : await startSmtp();
  const ctx = await createTestApp({ env: smtp ? { SMTP_URL: smtp.url } : {} });
  const trainer = await userAgent(ctx, { roles: ['trainer'], name: 'Tina Trainer' });
  const catalogue = await getCatalogue(ctx.db);
  const course = catalogue.courses[0]!;
  const [row] = await ctx.db
    .insert(cohorts)
    .values({
      name: 'Spring cohort',
      startDate: opts.startDate ?? '2026-03-01',
      dueDate: opts.dueDate === undefined ? '2026-04-30' : opts.dueDate,
      createdBy: trainer.user.id,
      createdAt: Date.now(),
    })
    .returning({ id: cohorts.id });
  const cohortId = row!.id;
  await ctx.db.insert(cohortCourses).values({ cohortId, courseId: course.id });
  await ctx.db.insert(cohortTrainers).values({ cohortId, userId: trainer.user.id });
  const deps = { db: ctx.db, config: ctx.config, logger: pino({ level: 'silent' }), mailTransport: smtpTransport };
  return { ctx, smtp, trainer, cohortId, course, modules: course.modules.map((m) => m.id), deps };
}

export async function addLearner(
  db: Db,
  cohortId: number,
  fields: Parameters<typeof makeUser>[1] = {},
  member: { dueDate?: string | null; status?: 'active' | 'invited' } = {},
) {
  const user = await makeUser(db, fields);
  await db.insert(cohortMembers).values({ cohortId, userId: user.id, addedAt: Date.now(), status: member.status ?? 'active', dueDate: member.dueDate ?? null });
  return user;
}

export async function complete(db: Db, userId: number, moduleIds: number[], status: 'completed' | 'in_progress' = 'completed') {
  for (const moduleId of moduleIds) {
    await db.insert(moduleProgress).values({ userId, moduleId, status, firstViewedAt: 1, lastActivityAt: 1, completedAt: status === 'completed' ? 1 : null });
  }
}

export async function enableRules(db: Db, cohortId: number, rules: ReminderRule[], days: number | null = null) {
  for (const rule of rules) {
    await db.insert(reminderRules).values({ cohortId, rule, enabled: true, days: rule === 'not_started' ? days : null, updatedAt: 1 });
  }
}

export async function sendsOf(db: Db, cohortId: number, userId?: number) {
  return db
    .select()
    .from(reminderSends)
    .where(and(eq(reminderSends.cohortId, cohortId), userId ? eq(reminderSends.userId, userId) : undefined))
    .orderBy(reminderSends.id);
}

export async function memberRow(db: Db, cohortId: number, userId: number) {
  const [row] = await db
    .select()
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)));
  return row!;
}

/** Gives SMTP a moment: every message the run handed over has been accepted before it returned. */
export const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * reminderSetup for a test file: each test's SMTP server is closed after it. Call at the top of
 * the file; `setup` starts a test, `smtp()` is its server.
 */
export function useReminderSetup(): { setup: typeof reminderSetup; smtp: () => TestSmtp | null } {
  let current: TestSmtp | null = null;
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return {
    setup: async (...args) => {
      const s = await reminderSetup(...args);
      current = s.smtp;
      return s;
    },
    smtp: () => current,
  };
}
