import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole, requireUser, signedInUser } from '../auth/guards.ts';
import { ACCEPT_ATTRIBUTE } from '../files/types.ts';
import { fileUpload, uploadOf } from '../files/upload.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { idempotencyKeyField } from '../learning/schemas.ts';
import { newSubmissionKey } from '../learning/module-page.ts';
import { findRecognition, type RecognitionView, recognitionsOfTeacher, reviewQueue } from './queries.ts';
import { byFrameworkOrder, decisionSchema, idParam, type RecognitionErrors, recognitionErrors, requestSchema } from './schemas.ts';
import { decideRecognition, isReviewerOf, submitRecognition, withdrawRecognition } from './service.ts';

const NOTICES = ['sent', 'withdrawn', 'decided'] as const;
const notice = (req: Request) => NOTICES.find((n) => n === req.query.notice) ?? null;

/** The 18 competencies in three groups by level, for the form's checkboxes. */
const competencyGroups = (lang: string) =>
  LEVELS.map((level) => ({
    code: level.code,
    title: lang === 'ru' ? level.titleRu : level.title,
    codes: COMPETENCIES.filter((c) => c.level === level.code)
      .map((c) => c.code)
      .sort(byFrameworkOrder),
  }));

/** A form's body as plain fields for re-rendering (multer and urlencoded both give an object). */
const formOf = (req: Request): Record<string, unknown> => (typeof req.body === 'object' && req.body ? req.body : {});

/** /recognition: a teacher's requests for recognised prior learning, and their review by trainers and administrators. */
export function recognitionRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  // Requests name people, their certificates and trainers' reasons: never kept by a shared cache.
  router.use('/recognition', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const teacherPage = async (req: Request, res: Response, extra: { form?: Record<string, unknown>; errors?: RecognitionErrors; fileLost?: boolean } = {}) => {
    const user = signedInUser(res);
    const errors = extra.errors ?? {};
    const key = idempotencyKeyField.parse(extra.form?.submissionKey) ?? newSubmissionKey();
    await render(
      req,
      res,
      'recognition/index',
      {
        requests: await recognitionsOfTeacher(db, user.id),
        form: extra.form ?? {},
        errors,
        fileLost: extra.fileLost ?? false,
        submissionKey: key,
        levels: competencyGroups(res.locals.lang),
        accept: ACCEPT_ATTRIBUTE,
        maxBytes: config.maxUploadBytes,
        notice: notice(req),
      },
      { status: Object.keys(errors).length ? 422 : undefined },
    );
  };

  router.get('/recognition', requireUser, (req, res) => teacherPage(req, res));

  router.post('/recognition', requireUser, fileUpload(config, 'certificate'), async (req, res) => {
    const user = signedInUser(res);
    const form = formOf(req);
    const now = Date.now();
    const parsed = requestSchema(now).safeParse(form);
    const errors: RecognitionErrors = parsed.success ? {} : recognitionErrors(parsed.error);
    const upload = uploadOf(req);
    if (!upload.ok) errors.certificate = upload.problem;
    else if (!upload.file && !formText(form.url).trim() && !errors.url) errors.certificate = 'recognition:errors.certificate';
    if (!parsed.success || Object.keys(errors).length) {
      // A file is never kept across a refused form: the page asks for it again.
      return teacherPage(req, res, { form, errors, fileLost: upload.ok && upload.file !== null });
    }
    const key = idempotencyKeyField.parse(form.submissionKey) ?? null;
    await submitRecognition(deps, { userId: user.id, data: parsed.data, file: upload.ok ? upload.file : null, submissionKey: key, now });
    redirect(req, res, '/recognition?notice=sent');
  });

  router.get('/recognition/review', requireRole('trainer'), async (req, res) => {
    const user = signedInUser(res);
    const queue = await reviewQueue(db, { id: user.id, admin: user.roles.includes('admin') });
    await render(req, res, 'recognition/review', { ...queue, notice: notice(req) });
  });

  /** The request, if the viewer may see it (owner or reviewer); otherwise 404, as if it did not exist. */
  const visible = async (req: Request, res: Response): Promise<{ recognition: RecognitionView; reviewer: boolean }> => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    const recognition = await findRecognition(db, id.data);
    if (!recognition) throw new HttpError(404);
    const user = signedInUser(res);
    const reviewer = await isReviewerOf(deps, user, recognition.userId);
    if (!reviewer && recognition.userId !== user.id) throw new HttpError(404);
    return { recognition, reviewer };
  };

  const showPage = async (req: Request, res: Response, extra: { form?: Record<string, unknown>; errors?: RecognitionErrors } = {}) => {
    const { recognition, reviewer } = await visible(req, res);
    const user = signedInUser(res);
    const errors = extra.errors ?? {};
    await render(
      req,
      res,
      'recognition/show',
      {
        recognition,
        canDecide: reviewer && recognition.status === 'waiting' && recognition.userId !== user.id,
        isOwner: recognition.userId === user.id,
        form: extra.form ?? null,
        errors,
      },
      { status: Object.keys(errors).length ? 422 : undefined },
    );
  };

  router.get('/recognition/:id', requireUser, (req, res) => showPage(req, res));

  router.post('/recognition/:id/decision', requireUser, async (req, res) => {
    const { recognition, reviewer } = await visible(req, res);
    if (!reviewer) throw new HttpError(403);
    const form = formOf(req);
    const parsed = decisionSchema.safeParse(form);
    if (!parsed.success) return showPage(req, res, { form, errors: recognitionErrors(parsed.error) });
    const outcome = await decideRecognition(deps, { recognition, reviewer: signedInUser(res), decision: parsed.data, now: Date.now() });
    if (!outcome.ok) return showPage(req, res, { form, errors: outcome.errors });
    redirect(req, res, '/recognition/review?notice=decided');
  });

  router.post('/recognition/:id/withdraw', requireUser, async (req, res) => {
    const { recognition } = await visible(req, res);
    const user = signedInUser(res);
    // Only the owner withdraws; to anyone else (reviewers included) there is nothing here to withdraw.
    if (recognition.userId !== user.id) throw new HttpError(404);
    if (recognition.status !== 'waiting' || !(await withdrawRecognition(deps, recognition.id, user.id, Date.now()))) {
      throw new HttpError(409, 'recognition:errors.notWaiting');
    }
    redirect(req, res, '/recognition?notice=withdrawn');
  });

  return router;
}
