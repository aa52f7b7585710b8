import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireUser, signedInUser } from '../auth/guards.ts';
import { type CatalogueCourse, type CatalogueModule, getCatalogue } from '../courses/catalogue.ts';
import type { Tx } from '../db/client.ts';
import { withUploadedFile } from '../files/queries.ts';
import { fileStore } from '../files/store.ts';
import { fileUpload, uploadOf } from '../files/upload.ts';
import { HttpError } from '../http/errors.ts';
import { isPartialRequest } from '../http/html-response.ts';
import { redirect, render } from '../http/render.ts';
import { assertCanLearn } from '../learning/completion.ts';
import { modulePageLocals } from '../learning/module-page.ts';
import { idempotencyKeyField } from '../learning/schemas.ts';
import { handIn, REFUSALS } from './hand-in.ts';
import { ownSubmission, setShared } from './queries.ts';
import { checkHandIn, type HandInErrors, handInValues } from './schemas.ts';
import { assignmentSection, type SectionInput } from './section.ts';

const REFUSED = new Set<string>(Object.values(REFUSALS));

export function assignmentRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  /** The module, when it has an assignment; anything else is not found. */
  const assignmentOr404 = async (req: Request) => {
    const found = (await getCatalogue(db)).module(String(req.params.course), String(req.params.module));
    if (!found?.module.assignment) throw new HttpError(404, 'courses:moduleNotFound');
    return found;
  };
  const sectionUrl = (course: CatalogueCourse, module: CatalogueModule) => `/courses/${course.slug}/${module.slug}#assignment`;

  /** The module page (or, for htmx, the section alone) with the section built from `section`. */
  const answer = async (
    req: Request,
    res: Response,
    course: CatalogueCourse,
    module: CatalogueModule,
    section: Pick<SectionInput, 'form' | 'handedIn'>,
    status?: number,
  ) => {
    const user = signedInUser(res);
    const assignmentView = await assignmentSection(db, { userId: user.id, module, enrolled: true, maxUploadBytes: config.maxUploadBytes, ...section });
    const locals = await modulePageLocals(deps, res, course, module, null, { assignmentView });
    return render(req, res, 'courses/module', locals, { status, fragment: 'assignments/_section' });
  };

  // Who may hand in comes before what was handed in (403 like the quiz), and before a file is read into memory.
  const mayHandIn = async (req: Request, res: Response, next: NextFunction) => {
    const { course, module } = await assignmentOr404(req);
    await assertCanLearn(db, signedInUser(res).id, course, module);
    next();
  };

  // multipart when the assignment takes a file (fileUpload reads it), urlencoded otherwise.
  router.post('/courses/:course/:module/submission', requireUser, mayHandIn, fileUpload(config), async (req, res) => {
    const { course, module } = await assignmentOr404(req);
    const user = signedInUser(res);
    const values = handInValues(req.body);
    const upload = uploadOf(req);
    const file = upload.ok ? upload.file : null;
    const checked = checkHandIn(module.assignment!, values, file !== null);
    if (!checked.ok || !upload.ok) {
      const errors: HandInErrors = checked.ok ? {} : checked.errors;
      if (!upload.ok) errors.file = upload.problem;
      if (!upload.ok) delete errors.form; // a file was sent, just not one we take
      return answer(req, res, course, module, { form: { values, errors } }, 422);
    }
    const key = idempotencyKeyField.parse(req.body?.submissionKey) ?? null;
    const result = await withUploadedFile(db, fileStore(config), file, user.id, (save) =>
      handIn(db, {
        userId: user.id,
        course,
        module,
        text: checked.text,
        url: checked.url,
        saveFile: save && (async (tx: Tx, now: number) => (await save(tx, now)).id),
        key,
        baseUrl: config.baseUrl,
      }),
    ).catch((err: unknown) => {
      if (err instanceof HttpError && REFUSED.has(err.messageKey)) return err;
      throw err;
    });
    if (result instanceof HttpError) {
      return answer(req, res, course, module, { form: { values, errors: { form: result.messageKey.replace('assignments:', '') } } }, 422);
    }
    if (isPartialRequest(req)) return answer(req, res, course, module, { handedIn: result.submission.version });
    redirect(req, res, `/courses/${course.slug}/${module.slug}?handedIn=${result.submission.version}#assignment`);
  });

  // "Show this work in my credentials and shared portfolio": the owner's passed versions only.
  router.post('/courses/:course/:module/submission/:id/share', requireUser, async (req, res) => {
    const { course, module } = await assignmentOr404(req);
    const user = signedInUser(res);
    const id = Number(req.params.id);
    const submission = Number.isSafeInteger(id) && id > 0 ? await ownSubmission(db, id, user.id, module.id) : undefined;
    if (!submission) throw new HttpError(404);
    if (submission.status !== 'passed') throw new HttpError(422, 'assignments:error.shareNotPassed');
    const body = (req.body ?? {}) as Record<string, unknown>;
    await setShared(db, submission.id, user.id, body.shared === 'on' || body.shared === 'true' || body.shared === '1');
    if (isPartialRequest(req)) return answer(req, res, course, module, {});
    redirect(req, res, sectionUrl(course, module));
  });

  return router;
}
