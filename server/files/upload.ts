import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Config } from '../config.ts';
import { allowedMediaType } from './types.ts';

/** An uploaded file that passed the limits and the allow-list; not stored yet (see saveFile). */
export interface Upload {
  /** The name the browser sent (saveFile cleans it for display). */
  name: string;
  bytes: Buffer;
  /** Decided from the content and the extension (types.ts), never the browser's claim. */
  mediaType: string;
}

/**
 * What a route gets from fileUpload: the file (null when none was chosen) or a problem, a
 * translation key with no parameters that the route shows against its file field (status 422).
 */
export type UploadResult = { ok: true; file: Upload | null } | { ok: false; problem: string };

const UPLOAD = Symbol('upload');
type WithUpload = Request & { [UPLOAD]?: UploadResult };

// multer's error codes → what the person is told. Anything else about the form's shape is "unreadable".
const PROBLEMS: Record<string, string> = {
  LIMIT_FILE_SIZE: 'files:errors.tooLarge',
  LIMIT_FILE_COUNT: 'files:errors.tooMany',
  LIMIT_UNEXPECTED_FILE: 'files:errors.unexpected',
  LIMIT_FIELD_VALUE: 'files:errors.fieldTooLong',
};

/**
 * Reads a multipart form (enctype="multipart/form-data") with at most one file in `field`, held in
 * memory (uploads are at most MAX_UPLOAD_MB). The text fields land in req.body as usual, so a
 * submissionKey and the rest stay readable; a urlencoded post passes through untouched. Too large,
 * too many, a file in another field or a refused type never becomes an error page: the route reads
 * uploadOf(req) and re-renders its own form. Put the file input last in the form: browsers send
 * fields in order, and the fields after a file that is too large are not read.
 */
export function fileUpload(config: Pick<Config, 'maxUploadBytes'>, field = 'file'): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send UTF-8 names without saying so; latin1 (the default) would garble Cyrillic ones.
    defParamCharset: 'utf8',
    limits: {
      fileSize: config.maxUploadBytes,
      files: 1,
      fields: 100,
      fieldNameSize: 100,
      fieldSize: 1024 * 1024,
      parts: 102,
      fieldArrayIndexLimit: 100,
    },
  }).single(field);
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      (req as WithUpload)[UPLOAD] = error ? failure(error) : checked(req.file);
      next();
    });
  };
}

function failure(error: unknown): UploadResult {
  const code = error instanceof multer.MulterError ? error.code : '';
  return { ok: false, problem: PROBLEMS[code] ?? 'files:errors.unreadable' };
}

function checked(file: Express.Multer.File | undefined): UploadResult {
  if (!file) return { ok: true, file: null };
  if (file.size === 0) return { ok: false, problem: 'files:errors.empty' };
  let mediaType: string | null = null;
  try {
    mediaType = allowedMediaType(file.originalname, file.buffer);
  } catch {
    // A container too broken to read is refused like any other file we cannot vouch for.
  }
  if (!mediaType) return { ok: false, problem: 'files:errors.type' };
  return { ok: true, file: { name: file.originalname, bytes: file.buffer, mediaType } };
}

/** The outcome of fileUpload for this request; a route that did not mount fileUpload is a bug. */
export function uploadOf(req: Request): UploadResult {
  const result = (req as WithUpload)[UPLOAD];
  if (!result) throw new Error('uploadOf: fileUpload() is not mounted on this route');
  return result;
}
