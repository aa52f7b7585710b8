import { Router, type Request, type Response } from 'express';
import type { Deps } from '../app.ts';
import { hasRole, signedInUser } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect, render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { decodeText, decodeUpload, MAX_UPLOAD_BYTES, parseCsv, type Problem } from './csv-import.ts';
import { applyImport, freshSignInLinks, type Importer, moveMember, previewImport } from './enrol.ts';
import { sendInvitations } from './invitations.ts';
import { fileStem, sendCsv } from './export.ts';
import { mailEnabled, sendSignInLinks } from './mail.ts';
import { cohortOf, managesCohort, uploadCsv, uploadProblem } from './middleware.ts';
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

/** The CSV text of the request: the uploaded file, else the pasted (or carried-forward) text. */
function csvText(req: Request): { ok: true; text: string } | { ok: false; error: Problem; status: number } {
  if (req.file) {
    const decoded = decodeUpload(req.file);
    return decoded.ok ? decoded : { ...decoded, status: 422 };
  }
  const { csv } = importAction.parse(req.body ?? {});
  if (csv.trim() === '') return { ok: false, error: { key: 'import.errors.noInput' }, status: 422 };
  if (Buffer.byteLength(csv) > MAX_UPLOAD_BYTES * 1.1) return { ok: false, error: { key: 'import.errors.tooLarge', params: { max: '2 MB' } }, status: 413 };
  // A pasted list is text already, but NUL bytes still mean something binary was pasted.
  const decoded = decodeText(Buffer.from(csv, 'utf8'));
  return decoded.ok ? decoded : { ...decoded, status: 422 };
}

export function memberRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();

  router.get('/cohorts/:id/members', (req, res) => membersPage(deps, req, res));

  router.post('/cohorts/:id/members', uploadCsv, async (req, res) => {
    const cohort = cohortOf(res);
    const fail = (error: Problem, status: number) =>
      membersPage(deps, req, res, { importError: error, csv: req.file ? '' : formText(req.body?.csv).slice(0, MAX_UPLOAD_BYTES) }, status);
    const problem = uploadProblem(res);
    if (problem) return fail(problem, problem.status);
    const input = csvText(req);
    if (!input.ok) return fail(input.error, input.status);
    const parsed = parseCsv(input.text);
    if (!parsed.ok) return fail(parsed.error, 422);
    res.setHeader('Cache-Control', 'no-store');
    if (importAction.parse(req.body ?? {}).action === 'confirm') {
      const by = importer(res);
      const { plan, created, invited } = await applyImport(db, { cohortId: cohort.id, rows: parsed.rows, by, baseUrl: config.baseUrl });
      if (invited.length) await sendInvitations(deps, { cohort, inviter: signedInUser(res), userIds: invited });
      return render(req, res, 'cohorts/imported', { cohort, plan, created, invited: invited.length, csv: input.text, mail: mailEnabled(config) });
    }
    const plan = await previewImport(db, cohort.id, parsed.rows);
    // Only administrators may learn which addresses have accounts: a trainer sees one "to add" count.
    return render(req, res, 'cohorts/preview', { cohort, plan, csv: input.text, showAccounts: importer(res).admin });
  });

  // The rows a file could not use, as CSV (line,email,error): re-parsed from the carried-forward text.
  router.post('/cohorts/:id/members/errors.csv', uploadCsv, (req, res) => {
    const cohort = cohortOf(res);
    const input = uploadProblem(res) ? null : csvText(req);
    const parsed = input?.ok ? parseCsv(input.text) : null;
    if (!parsed?.ok) throw new HttpError(422, 'cohorts:import.errors.noErrorsFile');
    const t = res.locals.t;
    const rows = parsed.rows.filter((r) => r.error).map((r) => [r.line, r.email, t(`cohorts:${r.error!.key}`, r.error!.params ?? {})]);
    sendCsv(res, `${fileStem(cohort)}-errors.csv`, ['line', 'email', 'error'], rows);
  });

  /** The member named in the URL; moving needs one who joined, removing works for invitations too. */
  const memberParam = async (req: Request, res: Response, joinedOnly = false) => {
    const userId = idParam.safeParse(req.params.userId);
    const status = userId.success ? await memberStatus(db, cohortOf(res).id, userId.data) : undefined;
    if (!userId.success || !status || (joinedOnly && status !== 'active')) throw new HttpError(404);
    return userId.data;
  };

  // Only the membership row goes: enrolments, progress and certificates stay with the teacher.
  router.post('/cohorts/:id/members/:userId/remove', async (req, res) => {
    const cohort = cohortOf(res);
    await removeMember(db, cohort.id, await memberParam(req, res));
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=removed`);
  });

  router.post('/cohorts/:id/members/:userId/move', async (req, res) => {
    const cohort = cohortOf(res);
    const userId = await memberParam(req, res, true);
    const to = moveSchema.safeParse(req.body ?? {});
    // A cohort the user does not manage is answered like one that does not exist.
    if (!to.success || to.data.to === cohort.id || !(await findCohort(db, to.data.to)) || !(await managesCohort(db, res, to.data.to))) {
      throw new HttpError(422, 'cohorts:members.badTarget');
    }
    await moveMember(db, { from: cohort.id, to: to.data.to, userId, baseUrl: config.baseUrl });
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=moved`);
  });

  const linkBatch = (req: Request, res: Response) => {
    const only = linkBatchSchema.parse(req.body ?? {}).users;
    return freshSignInLinks(db, { cohortId: cohortOf(res).id, by: importer(res), baseUrl: config.baseUrl, only });
  };

  router.post('/cohorts/:id/links.csv', async (req, res) => {
    const links = await linkBatch(req, res);
    res.setHeader('Cache-Control', 'no-store');
    sendCsv(
      res,
      `${fileStem(cohortOf(res))}-signin-links.csv`,
      ['email', 'name', 'link'],
      links.map((l) => [l.email, l.name, l.link]),
    );
  });

  router.post('/cohorts/:id/links/send', async (req, res) => {
    if (!mailEnabled(config)) throw new HttpError(404);
    const cohort = cohortOf(res);
    const links = await linkBatch(req, res);
    const { sent, failed } = await sendSignInLinks(config, deps.mailTransport, cohort.name, links);
    redirect(req, res, `/cohorts/${cohort.id}/members?notice=mailSent&sent=${sent}&failed=${failed.length}`);
  });

  return router;
}
