import { type Request, type Response, Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole, signedInUser } from '../auth/guards.ts';
import { MAX_TEXT_BYTES } from '../cohorts/csv-import.ts';
import { cohortAccess, cohortOf, liveOnly, uploadCsv, uploadProblem } from '../cohorts/middleware.ts';
import { idParam } from '../cohorts/schemas.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { deleteSessionAndEvidence, saveAttendance, saveSessionEdit } from './attendance.ts';
import { type FileProblem, type FileText, planAttendance, readAttendanceUpload } from './attendance-file.ts';
import { sessionPage, sessionsPage } from './pages.ts';
import { checklist, createSession, findSession, type LiveSession } from './queries.ts';
import { attendanceForm, formValues, sessionErrors, sessionSchema } from './schemas.ts';
import { formatStart } from './times.ts';

/** /cohorts/:id/sessions: a cohort's live sessions and their attendance, for its trainers and administrators. */
export function liveSessionRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  // A teacher gets 403 (requireRole); another trainer's cohort 404 (cohortAccess).
  router.use('/cohorts/:id/sessions', requireRole('trainer'), cohortAccess(db));

  /** The session named in the URL, only within this cohort. */
  const sessionParam = async (req: Request, res: Response): Promise<LiveSession> => {
    const id = idParam.safeParse(req.params.sessionId);
    const session = id.success ? await findSession(db, cohortOf(res).id, id.data) : undefined;
    if (!session) throw new HttpError(404);
    return session;
  };

  router.get('/cohorts/:id/sessions', (req, res) => sessionsPage(deps, req, res));

  router.post('/cohorts/:id/sessions', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const parsed = sessionSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sessionsPage(deps, req, res, { values: formValues(req.body), errors: sessionErrors(parsed.error) }, 422);
    const id = await createSession(db, cohort.id, parsed.data, signedInUser(res).id, Date.now());
    redirect(req, res, `/cohorts/${cohort.id}/sessions/${id}?notice=created`);
  });

  router.get('/cohorts/:id/sessions/:sessionId', async (req, res) => sessionPage(deps, req, res, await sessionParam(req, res)));

  router.post('/cohorts/:id/sessions/:sessionId', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const session = await sessionParam(req, res);
    const parsed = sessionSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sessionPage(deps, req, res, session, { values: formValues(req.body), errors: sessionErrors(parsed.error) }, 422);
    const saved = await saveSessionEdit(db, cohort.id, session.id, parsed.data);
    if (!saved.ok) {
      if (saved.locked.length === 0) throw new HttpError(404);
      const errors = Object.fromEntries(saved.locked.map((field) => [field, `errors.locked.${field}`]));
      return sessionPage(deps, req, res, session, { values: formValues(req.body), errors }, 422);
    }
    redirect(req, res, `/cohorts/${cohort.id}/sessions/${session.id}?notice=saved`);
  });

  // A session created by mistake goes with the attendance and evidence it recorded (the page says so).
  router.post('/cohorts/:id/sessions/:sessionId/delete', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const session = await sessionParam(req, res);
    const removed = await deleteSessionAndEvidence(db, { cohortId: cohort.id, session, by: signedInUser(res).id, baseUrl: config.baseUrl });
    redirect(req, res, `/cohorts/${cohort.id}/sessions?deleted=${removed}`);
  });

  router.post('/cohorts/:id/sessions/:sessionId/attendance', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const session = await sessionParam(req, res);
    const form = attendanceForm(req.body);
    const result = form
      ? await saveAttendance(db, { cohortId: cohort.id, session, ...form, by: signedInUser(res).id, baseUrl: config.baseUrl })
      : ({ ok: false, notMembers: [] } as const);
    if (!result.ok) return sessionPage(deps, req, res, session, { attendanceError: 'errors.notMembers' }, 422);
    redirect(req, res, `/cohorts/${cohort.id}/sessions/${session.id}?notice=attendance&added=${result.added}&removed=${result.removed}#attendance`);
  });

  // A webinar tool's export: previewed first (nothing written), recorded on "Confirm" from the
  // text the preview carried (the cohort import's pattern: nothing is kept on the server between).
  router.post('/cohorts/:id/sessions/:sessionId/attendance/file', liveOnly, uploadCsv, async (req, res) => {
    const cohort = cohortOf(res);
    const session = await sessionParam(req, res);
    const fail = (error: FileProblem, status: number) => sessionPage(deps, req, res, session, { fileError: error }, status);
    const problem = uploadProblem(res);
    if (problem) return fail({ ...problem, key: `cohorts:${problem.key}` }, problem.status);
    const input = await exportText(req);
    if (!input.ok) return fail(input.error, 422);
    const file = req.file ? req.file.originalname.slice(0, 200) : formText(req.body?.filename).slice(0, 200);
    const planned = planAttendance(input.text, await checklist(db, cohort.id, session.id));
    if (!planned.ok) return fail({ ...planned.error, file }, 422);
    const { plan } = planned;
    if (formText(req.body?.action) === 'confirm') {
      const result = await saveAttendance(db, {
        cohortId: cohort.id,
        session,
        present: plan.toRecord,
        listed: null,
        by: signedInUser(res).id,
        baseUrl: config.baseUrl,
      });
      // A member removed between preview and confirmation: the preview is stale, show it again.
      if (!result.ok) return fail({ key: 'sessions:file.stale', file }, 409);
      return redirect(req, res, `/cohorts/${cohort.id}/sessions/${session.id}?notice=attendance&added=${result.added}&removed=0#attendance`);
    }
    res.setHeader('Cache-Control', 'no-store');
    const when = (ms: number) => formatStart(ms, res.locals.lang);
    return render(req, res, 'live-sessions/preview', { cohort, session, plan, csv: input.text, file, readAs: input.readAs, when });
  });

  return router;
}

/** The export as text: the uploaded file, else the text the preview carried forward. */
async function exportText(req: Request): Promise<FileText> {
  if (req.file) {
    const read = await readAttendanceUpload(req.file);
    return read.ok ? read : { ok: false, error: { ...read.error, file: req.file.originalname.slice(0, 200) } };
  }
  const csv = formText(req.body?.csv);
  if (csv.trim() === '') return { ok: false, error: { key: 'sessions:file.noFile' } };
  if (Buffer.byteLength(csv) > MAX_TEXT_BYTES * 1.1)
    return { ok: false, error: { key: 'cohorts:import.errors.textTooLarge', params: { max: `${MAX_TEXT_BYTES / 1024 / 1024} MB` } } };
  return { ok: true, text: csv, readAs: null };
}
