import type { RequestHandler, Response } from 'express';
import multer from 'multer';
import { hasRole, signedInUser } from '../auth/guards.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { isCohortTrainer } from './access.ts';
import { MAX_TEXT_BYTES, MAX_UPLOAD_BYTES, type Problem } from './csv-import.ts';
import { type Cohort, findCohort } from './queries.ts';
import { idParam } from './schemas.ts';

/**
 * Loads /cohorts/:id for its trainers and administrators. Anyone else gets the same 404 as for a
 * cohort that does not exist, so ids cannot be probed.
 */
export function cohortAccess(db: Db): RequestHandler {
  return async (req, res, next) => {
    const id = idParam.safeParse(req.params.id);
    const cohort = id.success ? await findCohort(db, id.data) : undefined;
    if (!cohort) return next(new HttpError(404));
    const user = signedInUser(res);
    if (!hasRole(user, 'admin') && !(await isCohortTrainer(db, user.id, cohort.id))) return next(new HttpError(404));
    res.locals.cohort = cohort;
    next();
  };
}

export function cohortOf(res: Response): Cohort {
  return res.locals.cohort as Cohort;
}

/** May this user manage that cohort too (the target of a move)? */
export async function managesCohort(db: Db, res: Response, cohortId: number): Promise<boolean> {
  const user = signedInUser(res);
  return hasRole(user, 'admin') || (await isCohortTrainer(db, user.id, cohortId));
}

// A list comes back from the preview page as a form field, as UTF-8 text that may take up to twice
// the bytes of the file it was read from (see MAX_TEXT_BYTES); browsers send its line breaks as
// CRLF, so the field may be a little larger still.
const MAX_FIELD_BYTES = Math.ceil(MAX_TEXT_BYTES * 1.1);

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fieldSize: MAX_FIELD_BYTES, fields: 20, parts: 25 },
}).single('file');

/** Reads a multipart form (field `file` and/or `csv`); an upload problem is left for the handler to show. */
export const uploadCsv: RequestHandler = (req, res, next) => {
  upload(req, res, (err?: unknown) => {
    if (!err) return next();
    const code = err instanceof multer.MulterError ? err.code : 'UPLOAD';
    const problem: Problem & { status: number } =
      code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE'
        ? { key: 'import.errors.tooLarge', params: { max: '2 MB' }, status: 413 }
        : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
          ? { key: 'import.errors.oneFile', status: 422 }
          : { key: 'import.errors.badUpload', status: 400 };
    res.locals.uploadProblem = problem;
    next();
  });
};

export function uploadProblem(res: Response): (Problem & { status: number }) | undefined {
  return res.locals.uploadProblem as (Problem & { status: number }) | undefined;
}

/** An archived cohort keeps its data as it is: every write to it answers 409. */
export const liveOnly: RequestHandler = (_req, res, next) => {
  if (cohortOf(res).archivedAt) return next(new HttpError(409, 'cohorts:archive.readOnly'));
  next();
};
