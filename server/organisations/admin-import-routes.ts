import { type Request, type RequestHandler, type Response, Router } from 'express';
import multer from 'multer';
import type { Deps } from '../app.ts';
import { decodeText, type Problem } from '../cohorts/csv-import.ts';
import { sendCsv, sendXlsx } from '../cohorts/export.ts';
import { type ReadAs, readUpload } from '../cohorts/spreadsheet-upload.ts';
import { HttpError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { formText } from '../http/validation.ts';
import { linkExactMatches } from './free-text.ts';
import { applyRegistryImport } from './import-apply.ts';
import {
  isRegistryHeader,
  type RowProblem,
  MAX_REGISTRY_ROWS,
  MAX_REGISTRY_TEXT_BYTES,
  MAX_REGISTRY_UPLOAD_BYTES,
  parseRegistryCsv,
  REGISTRY_FIELDS,
} from './import-columns.ts';
import { planRegistryImport } from './import-plan.ts';

// Registry import with preview then confirm, as the cohort import does it: the file is read into
// CSV text, the preview carries that text in a hidden field, and the confirmation reads it again.

const MAX_FIELD_BYTES = Math.ceil(MAX_REGISTRY_TEXT_BYTES * 1.1);
const MB = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
/** Rows of each outcome the preview lists; the counts cover all of them. */
export const PREVIEW_ROWS = 200;

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_REGISTRY_UPLOAD_BYTES, files: 1, fieldSize: MAX_FIELD_BYTES, fields: 20, parts: 25 },
}).single('file');

/** Reads the multipart form; an upload problem is left for the handler to show. */
const uploadList: RequestHandler = (req, res, next) => {
  upload(req, res, (err?: unknown) => {
    if (!err) return next();
    const code = err instanceof multer.MulterError ? err.code : 'UPLOAD';
    res.locals.uploadProblem =
      code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE'
        ? { key: 'import.errors.tooLarge', params: { max: MB(MAX_REGISTRY_UPLOAD_BYTES) }, status: 413 }
        : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
          ? { key: 'import.errors.oneFile', status: 422 }
          : { key: 'import.errors.badUpload', status: 400 };
    next();
  });
};

type ListText = { ok: true; text: string; readAs: ReadAs | null; file: string } | { ok: false; error: Problem; status: number };

async function listText(req: Request, res: Response): Promise<ListText> {
  const problem = res.locals.uploadProblem as (Problem & { status: number }) | undefined;
  if (problem) return { ok: false, error: problem, status: problem.status };
  if (req.file) {
    const file = req.file.originalname.slice(0, 200);
    const read = await readUpload(req.file, {
      isHeader: isRegistryHeader,
      maxRows: MAX_REGISTRY_ROWS,
      maxTextBytes: MAX_REGISTRY_TEXT_BYTES,
      maxUnzippedBytes: 4 * MAX_REGISTRY_UPLOAD_BYTES,
    });
    return read.ok ? { ...read, file } : { ok: false, error: { ...read.error, file }, status: 422 };
  }
  const file = formText(req.body?.filename).slice(0, 200);
  const csv = formText(req.body?.csv);
  if (csv.trim() === '') return { ok: false, error: { key: 'import.errors.noInput' }, status: 422 };
  if (Buffer.byteLength(csv) > MAX_FIELD_BYTES)
    return { ok: false, error: { key: 'import.errors.textTooLarge', params: { max: MB(MAX_REGISTRY_TEXT_BYTES) }, file }, status: 413 };
  const decoded = decodeText(Buffer.from(csv, 'utf8'));
  return decoded.ok ? { ok: true, text: decoded.text, readAs: null, file } : { ok: false, error: { ...decoded.error, file }, status: 422 };
}

function importPage(req: Request, res: Response, importError: Problem | null, csv: string, status?: number) {
  return render(req, res, 'organisations/admin/import', { importError, csv, maxRows: MAX_REGISTRY_ROWS, maxSize: MB(MAX_REGISTRY_UPLOAD_BYTES) }, { status });
}

type T = (key: string, params?: Record<string, unknown>) => string;

/** A row's problem in words: "Line 4, parent_code: …" (a kind named in a message is translated). */
export function rowProblemText(t: T, line: number, error: RowProblem): string {
  const params = { ...error.params, ...(error.params?.kind ? { kind: t(`organisations:admin.kinds.${error.params.kind}`) } : {}) };
  return t('organisations:admin.import.errorCell', {
    line,
    field: t(`organisations:admin.import.fields.${error.field}`),
    error: t(`organisations:admin.${error.key}`, params),
  });
}

const TEMPLATE_ROWS = [
  ['country', 'RU', 'Russia', 'Россия', ''],
  ['region', 'RU-SA', 'Sakha (Yakutia)', 'Республика Саха (Якутия)', 'RU'],
  ['school', '1401000001', 'Tiksi School No. 1', 'Тиксинская СОШ № 1', 'RU-SA'],
];

async function sendTemplate(req: Request, res: Response, format: 'csv' | 'xlsx') {
  const lng = req.query.language === 'ru' || req.query.language === 'en' ? req.query.language : res.locals.lang === 'ru' ? 'ru' : 'en';
  const t = res.locals.t;
  const headers = REGISTRY_FIELDS.map((f) => t(`organisations:admin.import.template.headings.${f}`, { lng }));
  const kinds = (row: string[]) => [t(`organisations:admin.import.template.kinds.${row[0]}`, { lng }), ...row.slice(1)];
  const file = `organisation-registry-template-${lng}.${format}`;
  if (format === 'csv') return sendCsv(res, file, headers, TEMPLATE_ROWS.map(kinds));
  await sendXlsx(res, file, t('organisations:admin.import.template.sheet', { lng }), headers, TEMPLATE_ROWS.map(kinds));
}

export function organisationImportRoutes(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/admin/organisations/import', (req, res) => importPage(req, res, null, ''));
  router.get('/admin/organisations/import/template.csv', (req, res) => sendTemplate(req, res, 'csv'));
  router.get('/admin/organisations/import/template.xlsx', (req, res) => sendTemplate(req, res, 'xlsx'));

  router.post('/admin/organisations/import', uploadList, async (req, res) => {
    const fail = (error: Problem, status: number) => importPage(req, res, error, req.file ? '' : formText(req.body?.csv).slice(0, 200_000), status);
    const input = await listText(req, res);
    if (!input.ok) return fail(input.error, input.status);
    const parsed = parseRegistryCsv(input.text);
    if (!parsed.ok) return fail({ ...parsed.error, file: input.file }, 422);
    const confirm = formText(req.body?.action) === 'confirm';
    const plan = confirm ? await applyRegistryImport(db, parsed.rows) : await planRegistryImport(db, parsed.rows);
    // People who typed a name the registry now knows are linked at once (exact matches only).
    const linked = confirm ? await linkExactMatches(db) : 0;
    return render(req, res, confirm ? 'organisations/admin/imported' : 'organisations/admin/preview', {
      plan,
      linked,
      csv: input.text,
      file: input.file,
      readAs: input.readAs,
      unused: parsed.unused,
      previewRows: PREVIEW_ROWS,
      problemText: (r: { line: number; error: RowProblem }) => rowProblemText(res.locals.t, r.line, r.error),
    });
  });

  // The rows the import could not use, with every column of the file and the error at the end.
  router.post('/admin/organisations/import/errors.csv', uploadList, async (req, res) => {
    const input = await listText(req, res);
    const parsed = input.ok ? parseRegistryCsv(input.text) : null;
    if (!parsed?.ok) throw new HttpError(422, 'organisations:admin.import.errors.noErrorsFile');
    const plan = await planRegistryImport(db, parsed.rows);
    const t = res.locals.t;
    const bad = plan.rows.filter((r) => r.error);
    const width = Math.max(parsed.header.length, ...bad.map((r) => r.record.length));
    const header = Array.from({ length: width }, (_, i) => parsed.header[i] ?? '');
    const rows = bad.map((r) => [...Array.from({ length: width }, (_, i) => r.record[i] ?? ''), rowProblemText(t, r.line, r.error!)]);
    sendCsv(res, 'organisation-registry-errors.csv', [...header, t('organisations:admin.import.errorColumn')], rows);
  });

  return router;
}
