import { and, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../db/client.ts';
import type { Deps } from '../app.ts';
import type { CatalogueCourse, CatalogueModule } from '../courses/catalogue.ts';
import { type Assignment, assessments, submissions } from '../db/schema.ts';
import { addEvidence } from '../learning/queries.ts';
import { recordEvidenceEvent } from '../learning/records.ts';
import { sendMessage } from '../mail/send.ts';
import { assessmentOf, authorOf, type Submission } from './queries.ts';
import { rubricMaximum } from '../courses/package-schema.ts';

/** Someone assessed the submission first: the caller answers 409 with their name. */
export class AlreadyAssessed extends Error {
  constructor(readonly assessorName: string) {
    super('already assessed');
  }
}

export interface AssessInput {
  submission: Submission;
  course: CatalogueCourse;
  module: CatalogueModule & { assignment: Assignment };
  assessor: { id: number; name: string };
  scores: Record<string, number>;
  total: number;
  passed: boolean;
  feedback: string;
  now?: number;
}

class StillNotWaiting extends Error {}

/**
 * Records a trainer's assessment: the assessment row, the submission's new status, and on a pass
 * the `assessed` evidence and the xAPI `scored` statement, all in one transaction (on PostgreSQL
 * it may run twice: only writes inside). The unique index on submission_id and the conditional
 * status update make a racing second assessment fail, writing nothing. The teacher's mail goes
 * after the commit.
 */
export async function assess(deps: Deps, input: AssessInput): Promise<{ assessmentId: number; mailed: boolean }> {
  const { db, config } = deps;
  const { submission, course, module, assessor } = input;
  const now = input.now ?? Date.now();
  const assignment = module.assignment;
  const activityPath = `/courses/${course.slug}/${module.slug}#assignment`;
  let assessmentId: number;
  try {
    assessmentId = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(assessments)
        .values({
          submissionId: submission.id,
          assessorId: assessor.id,
          scores: input.scores,
          total: input.total,
          passed: input.passed,
          feedback: input.feedback,
          createdAt: now,
        })
        .returning({ id: assessments.id });
      const updated = await tx
        .update(submissions)
        .set({ status: input.passed ? 'passed' : 'needs_work' })
        .where(and(eq(submissions.id, submission.id), eq(submissions.status, 'waiting')))
        .returning({ id: submissions.id });
      if (updated.length !== 1) throw new StillNotWaiting();
      if (input.passed) {
        await addEvidence(tx, {
          userId: submission.userId,
          competencies: assignment.competencies,
          kind: 'assessed',
          source: `assignment:${module.id}`,
          moduleId: module.id,
          courseId: course.id,
          assessorId: assessor.id,
          now,
        });
      }
      await recordEvidenceEvent(tx, {
        baseUrl: config.baseUrl,
        userId: submission.userId,
        verb: 'scored',
        activity: { path: activityPath, name: assignment.title, type: 'performance' },
        course: { id: course.id, slug: course.slug },
        moduleId: module.id,
        instructorId: assessor.id,
        result: { score: { raw: input.total, min: 0, max: rubricMaximum(assignment.rubric.criteria) }, success: input.passed },
        now,
      });
      return row!.id;
    });
  } catch (err) {
    if (err instanceof StillNotWaiting || isUniqueViolation(err)) {
      const first = await assessmentOf(db, submission.id);
      throw new AlreadyAssessed(first?.assessorName ?? '');
    }
    throw err;
  }

  const author = await authorOf(db, submission.userId);
  const mailed = author
    ? await sendMessage(deps, {
        to: author.email,
        language: author.language,
        subjectKey: input.passed ? 'reviews:mail.passed.subject' : 'reviews:mail.needsWork.subject',
        bodyKey: input.passed ? 'reviews:mail.passed.body' : 'reviews:mail.needsWork.body',
        params: {
          name: author.name,
          module: module.title,
          course: course.title,
          assignment: assignment.title,
          total: input.total,
          max: rubricMaximum(assignment.rubric.criteria),
          threshold: assignment.rubric.threshold,
          feedback: input.feedback || '—',
          link: `${config.baseUrl}${activityPath}`,
        },
      })
    : false;
  return { assessmentId, mailed };
}
