import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, requireRole, signedInUser } from '../auth/guards.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { isCohortTrainer } from '../cohorts/access.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import type { Assignment } from '../db/schema.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { AlreadyAssessed, assess } from './assess.ts';
import { versionsOf } from '../assignments/queries.ts';
import { authorOf, findSubmission, linkingCohorts, nextWaiting, type Submission, savedAssessment, trainerLink } from './queries.ts';
import { rubricMaximum } from '../courses/package-schema.ts';
import { fieldOf, type ScoredForm, scoreForm } from './rubric.ts';
import { idParam, type QueueRef, queueField, reviewQuery } from './schemas.ts';

/** A submission as its reviewer sees it, with how far they may act on it. */
interface Review {
  submission: Submission;
  user: SessionUser;
  /** live: may assess; archived: reachable only through archived cohorts (read-only, writes 409). */
  link: 'live' | 'archived';
  entry: Awaited<ReturnType<typeof entryOf>>;
}

async function entryOf(deps: Deps, moduleId: number) {
  const entry = (await getCatalogue(deps.db)).moduleById(moduleId);
  return entry ? { course: entry.course, module: entry.module, assignment: entry.module.assignment } : undefined;
}

/** Loads /reviews/:submissionId for administrators and the submitter's trainers; anyone else gets the 404 of a missing one. */
async function loadReview(deps: Deps, req: Request, res: Response): Promise<Review> {
  const id = idParam.safeParse(req.params.submissionId);
  const submission = id.success ? await findSubmission(deps.db, id.data) : undefined;
  if (!submission) throw new HttpError(404);
  const user = signedInUser(res);
  const link = hasRole(user, 'admin') ? 'live' : await trainerLink(deps.db, user.id, submission);
  if (!link) throw new HttpError(404);
  return { submission, user, link, entry: await entryOf(deps, submission.moduleId) };
}

/** The queue the reviewer came from, if they may see it; else the first cohort linking them to the work. */
async function queueOf(deps: Deps, review: Review, asked: QueueRef | undefined): Promise<QueueRef | null> {
  const admin = hasRole(review.user, 'admin');
  if (asked === 'all' && admin) return 'all';
  if (typeof asked === 'number' && (admin || (await isCohortTrainer(deps.db, review.user.id, asked)))) return asked;
  const [first] = await linkingCohorts(deps.db, admin ? null : review.user.id, review.submission);
  return first?.id ?? (admin ? 'all' : null);
}

const queueUrl = (queue: QueueRef | null) => (queue === 'all' ? '/admin/reviews' : queue === null ? '/cohorts' : `/cohorts/${queue}/reviews`);

interface PageExtra {
  form?: Record<string, unknown>;
  scored?: ScoredForm;
  conflict?: string;
  status?: number;
}

async function reviewPage(deps: Deps, req: Request, res: Response, review: Review, queue: QueueRef | null, extra: PageExtra = {}) {
  const { db } = deps;
  const { submission, entry, user } = review;
  const versions = await versionsOf(db, submission.userId, submission.moduleId);
  const current = versions.find((v) => v.id === submission.id)!;
  const assignment: Assignment | null = entry?.assignment ?? null;
  const done = reviewQuery.parse(req.query).done;
  await render(
    req,
    res,
    'reviews/review',
    {
      submission: current,
      author: await authorOf(db, submission.userId),
      course: entry?.course ?? null,
      module: entry?.module ?? null,
      assignment,
      maximum: assignment ? rubricMaximum(assignment.rubric.criteria) : 0,
      earlier: versions.filter((v) => v.version < submission.version),
      newer: versions.find((v) => v.version > submission.version) ?? null,
      readOnly: review.link === 'archived',
      ownWork: submission.userId === user.id,
      canAssess: review.link === 'live' && submission.status === 'waiting' && !!assignment && submission.userId !== user.id,
      queue,
      queueHref: queueUrl(queue),
      form: extra.form ?? {},
      scored: extra.scored ?? null,
      errors: extra.scored?.errors ?? {},
      conflict: extra.conflict ?? null,
      saved: done ? ((await savedAssessment(db, done, user.id)) ?? null) : null,
      fieldOf,
    },
    { status: extra.status },
  );
}

/** GET and POST /reviews/:submissionId: the artefact, its history and the rubric form. */
export function reviewPageRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/reviews/:submissionId', requireRole('trainer'), async (req, res) => {
    const review = await loadReview(deps, req, res);
    await reviewPage(deps, req, res, review, await queueOf(deps, review, reviewQuery.parse(req.query).queue));
  });

  router.post('/reviews/:submissionId', requireRole('trainer'), async (req, res) => {
    const review = await loadReview(deps, req, res);
    const body = typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>) : {};
    const queue = await queueOf(deps, review, queueField.parse(body.queue));
    const { submission, entry, user } = review;
    if (review.link === 'archived') throw new HttpError(409, 'reviews:errors.archived');
    if (submission.userId === user.id) throw new HttpError(403, 'reviews:errors.ownWork');
    if (!entry?.assignment) throw new HttpError(409, 'reviews:errors.noRubric');
    if (submission.status !== 'waiting') return alreadyAssessed(deps, req, res, review, queue);

    const scored = scoreForm(entry.assignment.rubric, body);
    if (Object.keys(scored.errors).length) return reviewPage(deps, req, res, review, queue, { form: body, scored, status: 422 });
    // "Check the total": the server adds up the chosen levels and writes nothing.
    if (body.intent === 'preview') return reviewPage(deps, req, res, review, queue, { form: body, scored });

    try {
      await assess(deps, {
        submission,
        course: entry.course,
        module: { ...entry.module, assignment: entry.assignment },
        assessor: { id: user.id, name: user.name },
        scores: scored.scores,
        total: scored.total,
        passed: scored.passed,
        feedback: scored.feedback,
      });
    } catch (err) {
      if (err instanceof AlreadyAssessed) return alreadyAssessed(deps, req, res, review, queue);
      throw err;
    }
    const next = queue === null ? undefined : await nextWaiting(db, queue === 'all' ? null : queue);
    const back = queue === 'all' ? 'all' : String(queue);
    redirect(req, res, next ? `/reviews/${next}?queue=${back}&done=${submission.id}` : `${queueUrl(queue)}?done=${submission.id}`);
  });

  /** 409: someone assessed it first; the page shows their assessment in the history. */
  async function alreadyAssessed(deps: Deps, req: Request, res: Response, review: Review, queue: QueueRef | null) {
    const fresh = (await findSubmission(db, review.submission.id)) ?? review.submission;
    const versions = await versionsOf(db, fresh.userId, fresh.moduleId);
    const name = versions.find((v) => v.id === fresh.id)?.assessment?.assessorName ?? '';
    return reviewPage(deps, req, res, { ...review, submission: fresh }, queue, { conflict: name, status: 409 });
  }

  return router;
}
