import type { Db, DbOrTx, Tx } from '../db/client.ts';
import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import { issueCertificate, type IssuerNames } from '../certificates/issue.ts';
import { HttpError } from '../http/errors.ts';
import { courseProgress } from './progress.ts';
import { addEvidence, countCompleted, findEnrolment, markCompleted, progressByModule, touchEnrolment } from './queries.ts';
import { recordStatement } from './records.ts';

export interface LearningContext extends IssuerNames {
  db: Db;
  baseUrl: string;
}

export interface CompletionResult {
  newlyCompleted: boolean;
  courseCompleted: boolean;
  certificateCode: string | null;
}

/** The module's state must allow the action: enrolled, and (for sequential courses) unlocked. */
export async function assertCanLearn(db: DbOrTx, userId: number, course: CatalogueCourse, module: CatalogueModule): Promise<void> {
  const enrolment = await findEnrolment(db, userId, course.id);
  if (enrolment?.status !== 'active') throw new HttpError(403, 'learning:enrolFirst');
  if (course.sequential && module.index > 0) {
    const rows = await progressByModule(
      db,
      userId,
      course.modules.map((m) => m.id),
    );
    const state = courseProgress(course, rows);
    if (state.modules[module.index]?.status === 'locked') throw new HttpError(403, 'learning:locked');
  }
}

/**
 * Completes a module inside the caller's transaction: progress, evidence for each competency,
 * the learning record, and (on the last module) course completion and its certificate (which waits,
 * certificateCode null, while the learner's address is unverified: see issueCertificate). Only
 * the call that actually changes the module's status writes anything, so repeats and
 * concurrent requests never double count.
 */
export async function completeModuleInTx(
  tx: Tx,
  ctx: LearningContext,
  input: { userId: number; course: CatalogueCourse; module: CatalogueModule; now: number },
): Promise<CompletionResult> {
  const { userId, course, module, now } = input;
  if (!(await markCompleted(tx, userId, module.id, now))) return { newlyCompleted: false, courseCompleted: false, certificateCode: null };
  await addEvidence(tx, {
    userId,
    competencies: module.competencies,
    kind: 'quiz',
    source: `module:${module.id}`,
    moduleId: module.id,
    courseId: course.id,
    now,
  });
  await recordStatement(tx, { baseUrl: ctx.baseUrl, userId, verb: 'completed', course, module, result: { completion: true }, now });

  const courseCompleted =
    (await countCompleted(
      tx,
      userId,
      course.modules.map((m) => m.id),
    )) === course.modules.length;
  await touchEnrolment(tx, userId, course.id, now, courseCompleted);
  let certificateCode: string | null = null;
  if (courseCompleted) {
    await recordStatement(tx, { baseUrl: ctx.baseUrl, userId, verb: 'completed', course, result: { completion: true }, now });
    if (course.certificate)
      certificateCode =
        (await issueCertificate(tx, { userId, courseId: course.id, issuerName: ctx.issuerName, issuerNameRu: ctx.issuerNameRu, now }))?.code ?? null;
  }
  return { newlyCompleted: true, courseCompleted, certificateCode };
}

/** POST .../complete: a module with a quiz is completed by passing the quiz, not by this button. */
export async function completeModule(
  ctx: LearningContext,
  input: { userId: number; course: CatalogueCourse; module: CatalogueModule; now?: number },
): Promise<CompletionResult> {
  const now = input.now ?? Date.now();
  return ctx.db.transaction(async (tx) => {
    await assertCanLearn(tx, input.userId, input.course, input.module);
    if (input.module.quiz) {
      const row = (await progressByModule(tx, input.userId, [input.module.id])).get(input.module.id);
      if (!row?.quizPassed && row?.status !== 'completed') throw new HttpError(422, 'learning:passQuizFirst');
    }
    return completeModuleInTx(tx, ctx, { ...input, now });
  });
}
