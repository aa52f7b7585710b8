import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole, requireUser, signedInUser } from '../auth/guards.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { HttpError } from '../http/errors.ts';
import { isPartialRequest } from '../http/html-response.ts';
import { redirect, render } from '../http/render.ts';
import { parseInput } from '../http/validation.ts';
import { completeModule } from './completion.ts';
import { dashboardLocals } from './dashboard.ts';
import { enrolInCourse } from './enrolment.ts';
import { modulePageLocals, recordView } from './module-page.ts';
import { withdraw } from './queries.ts';
import { submitQuiz } from './quiz.ts';
import { recordStatement, statementsBetween, statementsOfUser } from './records.ts';
import { answersFromForm, idempotencyKeyField, recordsRange, startedAtField } from './schemas.ts';

const DAY = 24 * 3600 * 1000;

/** Waits until a full response buffer has gone to the client (or the client has left), so a slow reader holds the rows back. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function learningRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  const ctx = { db, baseUrl: config.baseUrl, issuerName: config.issuerName, issuerNameRu: config.issuerNameRu };

  const courseOr404 = async (req: Request) => {
    const course = (await getCatalogue(db)).course(String(req.params.course));
    if (!course) throw new HttpError(404, 'courses:notFound');
    return course;
  };
  const moduleOr404 = async (req: Request) => {
    const found = (await getCatalogue(db)).module(String(req.params.course), String(req.params.module));
    if (!found) throw new HttpError(404, 'courses:moduleNotFound');
    return found;
  };
  const moduleUrl = (courseSlug: string, moduleSlug: string) => `/courses/${courseSlug}/${moduleSlug}`;

  router.post('/courses/:course/enrol', requireUser, async (req, res) => {
    const course = await courseOr404(req);
    const user = signedInUser(res);
    await db.transaction((tx) => enrolInCourse(tx, { userId: user.id, course, baseUrl: config.baseUrl }));
    const first = course.modules[0];
    redirect(req, res, first ? moduleUrl(course.slug, first.slug) : `/courses/${course.slug}`);
  });

  // Leaving a course hides it from the dashboard; progress, evidence and certificates stay.
  router.post('/courses/:course/unenrol', requireUser, async (req, res) => {
    const course = await courseOr404(req);
    const user = signedInUser(res);
    const now = Date.now();
    await db.transaction(async (tx) => {
      if (await withdraw(tx, user.id, course.id, now)) await recordStatement(tx, { baseUrl: config.baseUrl, userId: user.id, verb: 'exited', course, now });
    });
    redirect(req, res, '/dashboard');
  });

  // Sent by the module page once it has loaded (a GET never writes). No body to answer with.
  router.post('/courses/:course/:module/viewed', requireUser, async (req, res) => {
    const { course, module } = await moduleOr404(req);
    await recordView(deps, signedInUser(res).id, course, module);
    res.status(204).end();
  });

  router.post('/courses/:course/:module/complete', requireUser, async (req, res) => {
    const { course, module } = await moduleOr404(req);
    const user = signedInUser(res);
    const result = await completeModule(ctx, { userId: user.id, course, module });
    if (isPartialRequest(req)) {
      return render(req, res, 'learning/status-fragment', await modulePageLocals(deps, res, course, module, null, { justCompleted: result.newlyCompleted }));
    }
    // The fragment names the result, which takes the focus (and the screen) on arrival.
    redirect(req, res, `${moduleUrl(course.slug, module.slug)}${result.courseCompleted ? '?done=course' : '?done=module'}#module-result`);
  });

  const QUIZ_CLOSED = new Set(['learning:quiz.waitUntil', 'learning:quiz.noAttemptsLeft']);
  router.post('/courses/:course/:module/quiz', requireUser, async (req, res) => {
    const { course, module } = await moduleOr404(req);
    const user = signedInUser(res);
    const answers = answersFromForm(req.body);
    if (!answers) throw new HttpError(422, 'learning:quiz.invalidAnswers');
    const startedAt = startedAtField.parse(req.body?.startedAt) ?? null;
    const idempotencyKey = idempotencyKeyField.parse(req.body?.submissionKey) ?? null;
    const result = await submitQuiz(ctx, { userId: user.id, course, module, answers, startedAt, idempotencyKey }).catch(async (err: unknown) => {
      // A form left open while a wait began or the attempts ran out: the module page says which (and
      // until when) where the form was, instead of an error page.
      if (!(err instanceof HttpError) || !QUIZ_CLOSED.has(err.messageKey)) throw err;
      const locals = await modulePageLocals(deps, res, course, module, null);
      await render(req, res, 'courses/module', locals, { status: 422, fragment: 'learning/quiz-fragment' });
      return null;
    });
    if (!result) return;
    if (isPartialRequest(req)) {
      return render(
        req,
        res,
        'learning/quiz-fragment',
        await modulePageLocals(deps, res, course, module, result.attemptId, { justCompleted: !!result.completion?.newlyCompleted }),
      );
    }
    redirect(req, res, `${moduleUrl(course.slug, module.slug)}?attempt=${result.attemptId}#quiz-result`);
  });

  router.get('/dashboard', requireUser, async (req, res) => render(req, res, 'learning/dashboard', await dashboardLocals(deps, res)));

  router.get('/dashboard/records.json', requireUser, async (_req, res) => {
    const user = signedInUser(res);
    const statements = await statementsOfUser(db, user.id);
    res
      .type('application/json')
      .set('Content-Disposition', 'attachment; filename="my-learning-records.json"')
      .set('Cache-Control', 'private, no-store')
      .send(JSON.stringify(statements, null, 1));
  });

  router.get('/admin/records', requireRole('admin'), (req, res) => {
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    return render(req, res, 'learning/admin-records', { values: { from: monthAgo, to: today }, errors: {} });
  });

  // JSON lines, streamed row by row, so a national export never sits in memory.
  router.get('/admin/records.jsonl', requireRole('admin'), async (req, res) => {
    const parsed = parseInput(recordsRange, req.query);
    if (!parsed.ok) {
      return render(req, res, 'learning/admin-records', { values: req.query, errors: parsed.errors }, { status: 422 });
    }
    const from = Date.parse(`${parsed.data.from}T00:00:00Z`);
    const to = Date.parse(`${parsed.data.to}T00:00:00Z`) + DAY;
    res
      .type('application/x-ndjson; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="learning-records-${parsed.data.from}-${parsed.data.to}.jsonl"`)
      .set('Cache-Control', 'private, no-store');
    for await (const statement of statementsBetween(db, from, to)) {
      if (res.destroyed) break; // the client left: stop reading (closes the cursor)
      if (!res.write(`${JSON.stringify(statement)}\n`)) await drained(res);
    }
    res.end();
  });

  return router;
}
