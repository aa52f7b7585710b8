import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, signedInUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { decodeText, MAX_TEXT_BYTES, MAX_UPLOAD_BYTES, parseCsv, type Problem } from './csv-import.ts';
import { type ReadAs, readUpload } from './spreadsheet-upload.ts';
import { applyImport, freshSignInLinks, type Importer, moveMember, previewImport } from './enrol.ts';
import { sendInvitations } from './invitations.ts';
import { sendTemplate } from './import-template.ts';
import { fileStem, sendCsv } from './export.ts';
import { mailEnabled, sendSignInLinks } from './mail.ts';
import { cohortOf, liveOnly, managesCohort, uploadCsv, uploadProblem } from './middleware.ts';
import { PER_PAGE } from './progress.ts';
import { countNeedingLinks, findCohort, listMembers, memberStatus, movableTargets, removeMember, trainersOf } from './queries.ts';
import { idParam, importAction, linkBatchSchema, membersQuery, moveSchema } from './schemas.ts';

const NOTICES = new Set(['trainerAdded', 'removed', 'moved', 'mailSent']);

function importer(res: Response): Importer {
  const user = signedInUser(res);
  return { id: user.id, admin: hasRole(user, 'admin') };
}

/** The members page: import form, sign-in links, the member list with remove/move, the trainers. */
export async function membersPage(deps: Deps, req: Request, res: Response, extra: Record<string, unknown> = {}, status?: number) {
  const { db, config } = deps;
  const cohort = cohortOf(res);
  const user = signedInUser(res);
  const query = membersQuery.parse(req.query);
  const { rows, total } = await listMembers(db, cohort.id, { q: query.q, page: query.page, perPage: PER_PAGE });
  const notice = typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
  const counts = { sent: Number(req.query.sent) || 0, failed: Number(req.query.failed) || 0 };
  res.setHeader('Cache-Control', 'no-store');
  return render(
    req,
    res,
    'cohorts/members',
    {
      cohort,
      rows,
      total,
      query,
      pages: Math.max(1, Math.ceil(total / PER_PAGE)),
      targets: await movableTargets(db, { userId: user.id, all: hasRole(user, 'admin'), except: cohort.id }),
      trainers: await trainersOf(db, cohort.id),
      awaiting: await countNeedingLinks(db, cohort.id, importer(res)),
      mail: mailEnabled(config),
      notice,
      counts,
      importError: null,
      trainerForm: { email: '', error: null },
      csv: '',
      ...extra,
    },
    { status, fragment: 'cohorts/_members-table' },
  );
}

type ListText = { ok: true; text: string; readAs: ReadAs | null; file: string } | { ok: false; error: Problem; status: number };

/** The list of the request as CSV text: the uploaded file (CSV or XLSX), else the pasted (or carried-forward) text. */
async function listText(req: Request): Promise<ListText> {
  if (req.file) {
    const file = req.file.originalname.slice(0, 200);
    const read = await readUpload(req.file);
    return read.ok ? { ...read, file } : { ok: false, error: { ...read.error, file }, status: 422 };
  }
  // The name of the file the carried-forward text was read from, for messages.
  const file = formText(req.body?.filename).slice(0, 200);
  const { csv } = importAction.parse(req.body ?? {});
  if (csv.trim() === '') return { ok: false, error: { key: 'import.errors.noInput' }, status: 422 };
  if (Buffer.byteLength(csv) > MAX_TEXT_BYTES * 1.1)
    return { ok: false, error: { key: 'import.errors.textTooLarge', params: { max: `${MAX_TEXT_BYTES / 1024 / 1024} MB` }, file }, status: 413 };
  // A pasted list is text already, but NUL bytes still mean something binary was pasted.
  const decoded = decodeText(Buffer.from(csv, 'utf8'));
  return decoded.ok ? { ok: true, text: decoded.text, readAs: null, file } : { ok: false, error: { ...decoded.error, file }, status: 422 };
}

export function memberRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  router.get('/cohorts/:id/members', (req, res) => membersPage(deps, req, res));

  // A list to fill in, beside the import form; same access as the import (cohortAccess).
  router.get('/cohorts/:id/import/template.csv', (req, res) => sendTemplate(req, res, cohortOf(res), 'csv'));
  router.get('/cohorts/:id/import/template.xlsx', (req, res) => sendTemplate(req, res, cohortOf(res), 'xlsx'));

  router.post('/cohorts/:id/members', liveOnly, uploadCsv, async (req, res) => {
    const cohort = cohortOf(res);
    const fail = (error: Problem, status: number) =>
      membersPage(deps, req, res, { importError: error, csv: req.file ? '' : formText(req.body?.csv).slice(0, MAX_UPLOAD_BYTES) }, status);
    const problem = uploadProblem(res);
    if (problem) return fail(problem, problem.status);
    const input = await listText(req);
    if (!input.ok) return fail(input.error, input.status);
    const parsed = parseCsv(input.text);
    if (!parsed.ok) return fail({ ...parsed.error, file: input.file }, 422);
    res.setHeader('Cache-Control', 'no-store');
    if (importAction.parse(req.body ?? {}).action === 'confirm') {
      const by = importer(res);
      const { plan, created, invited } = await applyImport(db, { cohortId: cohort.id, rows: parsed.rows, by, baseUrl: config.baseUrl });
      if (invited.length) await sendInvitations(deps, { cohort, inviter: signedInUser(res), userIds: invited });
      return render(req, res, 'cohorts/imported', {
        cohort,
        plan,
        created,
        invited: invited.length,
        csv: input.text,
        file: input.file,
        mail: mailEnabled(config),
      });
    }
    const plan = await previewImport(db, cohort.id, parsed.rows, res.locals.lang);
    // Only administrators may learn which addresses have accounts: a trainer sees one "to add" count.
    return render(req, res, 'cohorts/preview', {
      cohort,
      plan,
      csv: input.text,
      file: input.file,
      readAs: input.readAs,
      unused: parsed.unused,
      showAccounts: importer(res).admin,
    });
  });

  // The rows a file could not use, as CSV with every column of the file in its order and an error
  // column at the end, so they can be fixed and uploaded again: re-parsed from the carried-forward text.
  router.post('/cohorts/:id/members/errors.csv', uploadCsv, async (req, res) => {
    const cohort = cohortOf(res);
    const input = uploadProblem(res) ? null : await listText(req);
    const parsed = input?.ok ? parseCsv(input.text) : null;
    if (!parsed?.ok) throw new HttpError(422, 'cohorts:import.errors.noErrorsFile');
    const t = res.locals.t;
    const bad = parsed.rows.filter((r) => r.error);
    const width = Math.max(parsed.header.length, ...bad.map((r) => r.record.length));
    const header = Array.from({ length: width }, (_, i) => parsed.header[i] ?? '');
    const rows = bad.map((r) => [
      ...Array.from({ length: width }, (_, i) => r.record[i] ?? ''),
      t('cohorts:import.errorCell', { line: r.line, error: t(`cohorts:${r.error!.key}`, r.error!.params ?? {}) }),
    ]);
    sendCsv(res, `${fileStem(cohort)}-errors.csv`, [...header, t('cohorts:import.errorColumn')], rows);
  });

  /** The member named in the URL; moving needs one who joined, removing works for invitations too. */
  const memberParam = async (req: Request, res: Response, joinedOnly = false) => {
    const userId = idParam.safeParse(req.params.userId);
    const status = userId.success ? await memberStatus(db, cohortOf(res).id, userId.data) : undefined;
    if (!userId.success || !status || (joinedOnly && status !== 'active')) throw new HttpError(404);
    return userId.data;
  };

  // Only the membership row goes: enrolments, progress and certificates stay with the teacher.
  router.post('/cohorts/:id/members/:userId/remove', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    await removeMember(db, cohort.id, await memberParam(req, res));
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=removed`);
  });

  router.post('/cohorts/:id/members/:userId/move', liveOnly, async (req, res) => {
    const cohort = cohortOf(res);
    const userId = await memberParam(req, res, true);
    const to = moveSchema.safeParse(req.body ?? {});
    // A cohort the user does not manage is answered like one that does not exist.
    const target = to.success && to.data.to !== cohort.id ? await findCohort(db, to.data.to) : undefined;
    // An archived cohort takes nobody in (it is read-only).
    if (!to.success || !target || target.archivedAt || !(await managesCohort(db, res, target.id))) {
      throw new HttpError(422, 'cohorts:members.badTarget');
    }
    await moveMember(db, { from: cohort.id, to: to.data.to, userId, baseUrl: config.baseUrl });
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=moved`);
  });

  const linkBatch = (req: Request, res: Response) => {
    const only = linkBatchSchema.parse(req.body ?? {}).users;
    return freshSignInLinks(db, { cohortId: cohortOf(res).id, by: importer(res), baseUrl: config.baseUrl, only });
  };

  router.post('/cohorts/:id/links.csv', liveOnly, async (req, res) => {
    const links = await linkBatch(req, res);
    res.setHeader('Cache-Control', 'no-store');
    sendCsv(
      res,
      `${fileStem(cohortOf(res))}-signin-links.csv`,
      ['email', 'name', 'link'],
      links.map((l) => [l.email, l.name, l.link]),
    );
  });

  router.post('/cohorts/:id/links/send', liveOnly, async (req, res) => {
    if (!mailEnabled(config)) throw new HttpError(404);
    const cohort = cohortOf(res);
    const links = await linkBatch(req, res);
    const { sent, failed } = await sendSignInLinks(config, deps.mailTransport, cohort.name, links);
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=mailSent&sent=${sent}&failed=${failed.length}`);
  });

  return router;
}
