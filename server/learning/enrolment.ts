import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { enrolments } from '../db/schema.ts';
import { recordStatement } from './records.ts';

/**
 * Enrols a user in a course; idempotent. A withdrawn enrolment becomes active again with its
 * progress intact. Returns true when this call changed anything (and recorded a statement).
 */
export async function enrolInCourse(
  db: DbOrTx,
  input: { userId: number; course: { id: number; slug: string; title: string }; baseUrl: string; now?: number },
): Promise<boolean> {
  const now = input.now ?? Date.now();
  const [existing] = await db
    .select({ status: enrolments.status })
    .from(enrolments)
    .where(and(eq(enrolments.userId, input.userId), eq(enrolments.courseId, input.course.id)))
    .limit(1);
  if (existing?.status === 'active') return false;
  let changed: { id: number }[];
  if (existing) {
    changed = await db
      .update(enrolments)
      .set({ status: 'active', lastActivityAt: now })
      .where(and(eq(enrolments.userId, input.userId), eq(enrolments.courseId, input.course.id), ne(enrolments.status, 'active')))
      .returning({ id: enrolments.id });
  } else {
    changed = await db
      .insert(enrolments)
      .values({ userId: input.userId, courseId: input.course.id, enrolledAt: now, lastActivityAt: now })
      .onConflictDoNothing()
      .returning({ id: enrolments.id });
  }
  // Another request enrolled them between the look-up and the write (outside a transaction): it recorded the statement.
  if (changed.length === 0) return false;
  await recordStatement(db, { baseUrl: input.baseUrl, userId: input.userId, verb: 'registered', course: input.course, now });
  return true;
}
