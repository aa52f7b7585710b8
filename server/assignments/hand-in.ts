import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import { type Db, isUniqueViolation, type Tx } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { assertCanLearn } from '../learning/completion.ts';
import { recordEvidenceEvent } from '../learning/records.ts';
import { insertSubmission, latestVersion, type SubmissionRow, submissionByKey } from './queries.ts';

/** Refusals that depend on the versions already there: the page shows them on the form (422). */
export const REFUSALS = {
  waiting: 'assignments:error.stillWaiting',
  passed: 'assignments:error.alreadyPassed',
  foreignKey: 'assignments:error.staleForm',
} as const;

export interface HandIn {
  userId: number;
  course: CatalogueCourse;
  module: CatalogueModule;
  text: string | null;
  url: string | null;
  /** Stores the uploaded file inside the transaction and returns its stored_files id. */
  saveFile: ((tx: Tx, now: number) => Promise<number>) | null;
  key: string | null;
  baseUrl: string;
  now?: number;
}

/** The activity an assignment's statements are about: the module page's assignment section. */
export function assignmentActivity(course: { slug: string }, module: CatalogueModule) {
  return { path: `/courses/${course.slug}/${module.slug}#assignment`, name: module.assignment?.title ?? module.title, type: 'performance' as const };
}

/**
 * Writes the next version (waiting for a trainer) and its xAPI "submitted" statement together.
 * A key seen before answers with the version it made (a double click, a retried POST) and
 * writes nothing. A new version is refused while one waits (a trainer may be reading it) and
 * once one has passed. Returns the version row and whether it is new.
 */
export async function handIn(db: Db, input: HandIn): Promise<{ submission: SubmissionRow; repeated: boolean }> {
  const { userId, course, module } = input;
  if (!module.assignment) throw new HttpError(404);
  const now = input.now ?? Date.now();
  try {
    return await db.transaction(async (tx) => {
      await assertCanLearn(tx, userId, course, module);
      const earlier = input.key === null ? undefined : await submissionByKey(tx, userId, input.key);
      if (earlier) return repeatOf(earlier, module);
      const latest = await latestVersion(tx, userId, module.id);
      if (latest?.status === 'waiting') throw new HttpError(422, REFUSALS.waiting);
      if (latest?.status === 'passed') throw new HttpError(422, REFUSALS.passed);
      const fileId = input.saveFile ? await input.saveFile(tx, now) : null;
      const version = (latest?.version ?? 0) + 1;
      const id = await insertSubmission(tx, {
        userId,
        moduleId: module.id,
        courseId: course.id,
        version,
        text: input.text,
        url: input.url,
        fileId,
        key: input.key,
        now,
      });
      await recordEvidenceEvent(tx, {
        baseUrl: input.baseUrl,
        userId,
        verb: 'submitted',
        activity: assignmentActivity(course, module),
        course,
        moduleId: module.id,
        result: { completion: true },
        now,
      });
      const submission: SubmissionRow = {
        id,
        userId,
        moduleId: module.id,
        courseId: course.id,
        version,
        text: input.text,
        url: input.url,
        fileId,
        status: 'waiting',
        shared: false,
        submittedAt: now,
        submissionKey: input.key,
      };
      return { submission, repeated: false };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Another request got in between the look-ups and the insert: the same key (that version
    // answers), or the same version number (a version now waits: refused like any other).
    const earlier = input.key === null ? undefined : await submissionByKey(db, userId, input.key);
    if (earlier) return repeatOf(earlier, module);
    throw new HttpError(422, REFUSALS.waiting);
  }
}

function repeatOf(earlier: SubmissionRow, module: CatalogueModule) {
  // A key belongs to one form, so one module: another module's key is not a repeat.
  if (earlier.moduleId !== module.id) throw new HttpError(422, REFUSALS.foreignKey);
  return { submission: earlier, repeated: true };
}
