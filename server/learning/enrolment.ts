import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { enrolments } from '../db/schema.ts';
import { recordStatement } from './records.ts';

/**
 * Enrols a user in a course; idempotent. A withdrawn enrolment becomes active again with its
 * progress intact. Returns true when this call changed anything (and recorded a statement).
 */
export function enrolInCourse(
  db: DbOrTx,
  input: { userId: number; course: { id: number; slug: string; title: string }; baseUrl: string; now?: number },
): boolean {
  const now = input.now ?? Date.now();
  const existing = db
    .select({ status: enrolments.status })
    .from(enrolments)
    .where(and(eq(enrolments.userId, input.userId), eq(enrolments.courseId, input.course.id)))
    .get();
  if (existing?.status === 'active') return false;
  if (existing) {
    db.update(enrolments)
      .set({ status: 'active', lastActivityAt: now })
      .where(and(eq(enrolments.userId, input.userId), eq(enrolments.courseId, input.course.id)))
      .run();
  } else {
    db.insert(enrolments).values({ userId: input.userId, courseId: input.course.id, enrolledAt: now, lastActivityAt: now }).onConflictDoNothing().run();
  }
  recordStatement(db, { baseUrl: input.baseUrl, userId: input.userId, verb: 'registered', course: input.course, now });
  return true;
}
