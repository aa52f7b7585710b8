import { and, desc, eq, gte } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { assessments, storedFiles, submissions, users } from '../db/schema.ts';

export type SubmissionRow = typeof submissions.$inferSelect;

/** The stored file of a version, as the history shows it (a deleted one keeps its name, tombstoned). */
export interface VersionFile {
  id: number;
  name: string;
  mediaType: string;
  size: number;
  deletedAt: number | null;
}

export interface VersionAssessment {
  scores: Record<string, number>;
  total: number;
  passed: boolean;
  feedback: string;
  createdAt: number;
  assessorName: string;
}

export interface SubmissionVersion extends SubmissionRow {
  file: VersionFile | null;
  assessment: VersionAssessment | null;
}

/** Every version a teacher handed in for a module (or for every module: the portfolio), newest first, each with its file and assessment. */
export async function versionsOf(db: DbOrTx, userId: number, moduleId?: number): Promise<SubmissionVersion[]> {
  const rows = await db
    .select({
      submission: submissions,
      fileId: storedFiles.id,
      fileName: storedFiles.name,
      fileType: storedFiles.mediaType,
      fileSize: storedFiles.size,
      fileDeletedAt: storedFiles.deletedAt,
      scores: assessments.scores,
      total: assessments.total,
      passed: assessments.passed,
      feedback: assessments.feedback,
      assessedAt: assessments.createdAt,
      assessorName: users.name,
    })
    .from(submissions)
    .leftJoin(storedFiles, eq(storedFiles.id, submissions.fileId))
    .leftJoin(assessments, eq(assessments.submissionId, submissions.id))
    .leftJoin(users, eq(users.id, assessments.assessorId))
    .where(and(eq(submissions.userId, userId), moduleId === undefined ? undefined : eq(submissions.moduleId, moduleId)))
    .orderBy(desc(submissions.version), desc(submissions.id));
  return rows.map((r) => ({
    ...r.submission,
    file:
      r.fileId != null
        ? { id: r.fileId, name: r.fileName ?? '', mediaType: r.fileType ?? '', size: r.fileSize ?? 0, deletedAt: r.fileDeletedAt ?? null }
        : null,
    assessment:
      r.assessedAt != null
        ? {
            scores: r.scores ?? {},
            total: r.total ?? 0,
            passed: !!r.passed,
            feedback: r.feedback ?? '',
            createdAt: r.assessedAt,
            assessorName: r.assessorName ?? '',
          }
        : null,
  }));
}

/** The newest version (the one whose status counts), if any. */
export async function latestVersion(db: DbOrTx, userId: number, moduleId: number): Promise<SubmissionRow | undefined> {
  const [row] = await db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, userId), eq(submissions.moduleId, moduleId)))
    .orderBy(desc(submissions.version))
    .limit(1);
  return row;
}

export async function submissionByKey(db: DbOrTx, userId: number, key: string): Promise<SubmissionRow | undefined> {
  const [row] = await db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, userId), eq(submissions.submissionKey, key)))
    .limit(1);
  return row;
}

export async function insertSubmission(
  db: DbOrTx,
  row: {
    userId: number;
    moduleId: number;
    courseId: number;
    version: number;
    text: string | null;
    url: string | null;
    fileId: number | null;
    key: string | null;
    now: number;
  },
): Promise<number> {
  const [inserted] = await db
    .insert(submissions)
    .values({
      userId: row.userId,
      moduleId: row.moduleId,
      courseId: row.courseId,
      version: row.version,
      text: row.text,
      url: row.url,
      fileId: row.fileId,
      status: 'waiting',
      submittedAt: row.now,
      submissionKey: row.key,
    })
    .returning({ id: submissions.id });
  return inserted!.id;
}

/** The teacher's own version of this module, or nothing (someone else's answers 404). */
export async function ownSubmission(db: DbOrTx, id: number, userId: number, moduleId: number): Promise<SubmissionRow | undefined> {
  const [row] = await db
    .select()
    .from(submissions)
    .where(and(eq(submissions.id, id), eq(submissions.userId, userId), eq(submissions.moduleId, moduleId)))
    .limit(1);
  return row;
}

export async function setShared(db: DbOrTx, id: number, userId: number, shared: boolean): Promise<void> {
  await db
    .update(submissions)
    .set({ shared })
    .where(and(eq(submissions.id, id), eq(submissions.userId, userId)));
}

/** A teacher's assessed versions since `since`, newest assessment first. */
export async function recentAssessments(db: DbOrTx, userId: number, since: number, limit: number) {
  return db
    .select({
      submissionId: submissions.id,
      moduleId: submissions.moduleId,
      version: submissions.version,
      passed: assessments.passed,
      assessedAt: assessments.createdAt,
    })
    .from(assessments)
    .innerJoin(submissions, eq(submissions.id, assessments.submissionId))
    .where(and(eq(submissions.userId, userId), gte(assessments.createdAt, since)))
    .orderBy(desc(assessments.createdAt), desc(assessments.id))
    .limit(limit);
}
