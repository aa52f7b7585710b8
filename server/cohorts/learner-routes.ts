import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, signedInUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText, parseInput } from '../http/validation.ts';
import { remindersSentTo } from '../reminders/queries.ts';
import { cohortLearner, hasWaitingWork, learnerProgress, quizSummary, setExtension } from './learner-queries.ts';
import { mailEnabled } from './mail.ts';
import { cohortOf, liveOnly } from './middleware.ts';
import { noticeOf } from './notices.ts';
import { cellStatus, cohortStructure, isoToday, learnerStatusOf } from './progress.ts';
import { currentCertificates } from './progress-queries.ts';
import { movableTargets } from './queries.ts';
import { extensionSchema, idParam } from './schemas.ts';

// The per-learner page of a cohort and its extension form. Only an active member of this cohort
// has one: anyone else (another cohort's learner, an invitation, a stranger) answers 404, as does
// a cohort the trainer does not train (cohortAccess).

export function learnerRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  const learnerOf = async (req: Request, res: Response) => {
    const userId = idParam.safeParse(req.params.userId);
    const learner = userId.success ? await cohortLearner(db, cohortOf(res).id, userId.data) : undefined;
    if (!learner) throw new HttpError(404);
    return learner;
  };

  const learnerPage = async (req: Request, res: Response, form: { value: string; error: string | null }, status?: number) => {
    const cohort = cohortOf(res);
    const user = signedInUser(res);
    const learner = await learnerOf(req, res);
    const { courses, columns } = await cohortStructure(db, cohort.id);
    const moduleIds = columns.map((c) => c.moduleId);
    const progress = new Map((await learnerProgress(db, learner.id, moduleIds)).map((p) => [p.moduleId, p]));
    const quizzes = new Map((await quizSummary(db, learner.id, moduleIds)).map((q) => [q.moduleId, q]));
    const certificates = await currentCertificates(
      db,
      cohort.id,
      courses.map((c) => c.id),
      [learner.id],
    );
    const today = isoToday();
    const byCourse = courses.map((course) => ({
      course,
      certificate: certificates.find((c) => c.courseId === course.id)?.code ?? null,
      modules: columns
        .filter((c) => c.courseId === course.id)
        .map((c) => {
          const p = progress.get(c.moduleId);
          return { ...c, status: cellStatus(p && { ...p, userId: learner.id }), progress: p ?? null, quiz: quizzes.get(c.moduleId) ?? null };
        }),
    }));
    const completed = [...progress.values()].filter((p) => p.status === 'completed').length;
    const awaitingReview = await hasWaitingWork(db, learner.id, moduleIds);
    const overall = learnerStatusOf({ completed, touched: progress.size > 0, dueDate: learner.dueDate, awaitingReview }, moduleIds.length, today);
    return render(
      req,
      res,
      'cohorts/learner',
      {
        cohort,
        learner,
        byCourse,
        overall,
        completed,
        moduleCount: moduleIds.length,
        sends: await remindersSentTo(db, cohort.id, learner.id),
        targets: cohort.archivedAt ? [] : await movableTargets(db, { userId: user.id, all: hasRole(user, 'admin'), except: cohort.id }),
        notice: noticeOf(req),
        mail: mailEnabled(deps.config),
        form,
      },
      { status },
    );
  };

  router.get('/cohorts/:id/learners/:userId', async (req, res) => {
    const learner = await learnerOf(req, res);
    return learnerPage(req, res, { value: learner.extension ?? '', error: null });
  });

  // An extension: this learner's own due date (empty clears it, back to the cohort's). It must not
  // come before the cohort starts; it may come before the cohort's due date (a trainer may set an
  // earlier personal date), although normally it is later.
  router.post('/cohorts/:id/learners/:userId/extension', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const learner = await learnerOf(req, res);
    const parsed = parseInput(extensionSchema, req.body);
    // Anything but one valid date (or nothing) is "enter a date"; a date before the start says so.
    const error = !parsed.ok ? 'validation.date' : parsed.data.dueDate && parsed.data.dueDate < cohort.startDate ? 'validation.dueBeforeStart' : null;
    // A date field can only show a well-formed date: anything else comes back empty.
    const typed = formText(req.body?.dueDate).trim();
    if (!parsed.ok || error) return learnerPage(req, res, { value: /^\d{4}-\d{2}-\d{2}$/.test(typed) ? typed : '', error }, 422);
    const dueDate = parsed.data.dueDate;
    await setExtension(db, cohort.id, [learner.id], dueDate);
    redirect(req, res, `/cohorts/${cohort.id}/learners/${learner.id}?notice=${dueDate ? 'extended' : 'extensionCleared'}&count=1`);
  });

  return router;
}
