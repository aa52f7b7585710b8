import { type Request, type RequestHandler, type Response, Router } from 'express';
import multer from 'multer';
import type { Deps } from '../app.ts';
import { requireUser, signedInUser } from '../auth/guards.ts';
import { perAddressLimiter } from '../auth/rate-limit.ts';
import { HttpError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { type FieldErrors, parseInput } from '../http/validation.ts';
import { certificateAdminRoutes } from './admin-routes.ts';
import { normaliseCode } from './code.ts';
import { revocationList, signedCredential } from './credential.ts';
import { credentialEvidence } from './credential-evidence.ts';
import { issuerRoutes } from './issuer-routes.ts';
import { canDownloadPdf, certificateOr404, credentialChecks, noticeFrom, renderCertificatePage } from './page.ts';
import { renderCertificatePdf } from './pdf.ts';
import { certificateStatus, fileName } from './present.ts';
import { publicJson } from './public-json.ts';
import { findCertificate } from './queries.ts';
import { CREDENTIAL_MAX_BYTES, lookupQuery, verifySchema } from './schemas.ts';
import { type VerificationResult, verifyCredential } from './verification.ts';

// Route order matters: Express 5 (path-to-regexp 8) matches /certificates/:code.pdf with
// code = "ABC" for /certificates/ABC.pdf, but /certificates/:code would take "ABC.pdf" whole,
// so the suffixed routes come first (a test pins this down).

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: CREDENTIAL_MAX_BYTES, files: 1, fields: 4, fieldSize: CREDENTIAL_MAX_BYTES + 1024, parts: 6 },
}).single('file');

/** Multipart forms (the file upload) go through multer; its limit errors become a field error. */
const receiveUpload: RequestHandler = (req, res, next) => {
  upload(req, res, (err: unknown) => {
    if (err) res.locals.uploadError = err instanceof multer.MulterError && err.code.startsWith('LIMIT_') ? 'validation.tooLong' : 'validation.invalid';
    next();
  });
};

export function certificateRoutes(deps: Deps): Router {
  const { db, config } = deps;
  const router = Router();
  // One budget per address for everything that looks a certificate up, against enumeration.
  const lookups = perAddressLimiter(db, 'certificate-lookups', config.lookupRateLimit);

  const lookupPage = (
    req: Request,
    res: Response,
    locals: { values?: Record<string, string>; errors?: FieldErrors; result?: VerificationResult | null },
    status?: number,
  ) => render(req, res, 'certificates/index', { values: {}, errors: {}, result: null, ...locals }, { status });

  router.use(issuerRoutes(deps));

  router.get('/certificates', (req, res) => {
    const raw = lookupQuery.parse(req.query).code;
    if (!raw) return lookupPage(req, res, {});
    const code = normaliseCode(raw);
    if (code) return res.redirect(303, `/certificates/${code}`);
    return lookupPage(req, res, { values: { code: raw }, errors: { code: 'validation.invalid' } }, 422);
  });

  router.get('/certificates/verify', (req, res) => lookupPage(req, res, {}));

  router.post('/certificates/verify', lookups, receiveUpload, async (req, res) => {
    const pasted = typeof req.body?.credential === 'string' ? req.body.credential : '';
    if (res.locals.uploadError) return lookupPage(req, res, { errors: { credential: res.locals.uploadError } }, 422);
    const uploaded = req.file ? req.file.buffer.toString('utf8') : '';
    const parsed = parseInput(verifySchema, { credential: uploaded.trim() ? uploaded : pasted });
    const values = { credential: pasted.length <= CREDENTIAL_MAX_BYTES ? pasted : '' };
    if (!parsed.ok) return lookupPage(req, res, { values, errors: parsed.errors }, 422);
    const result = await verifyCredential(db, parsed.data.credential, { baseUrl: config.baseUrl });
    return lookupPage(req, res, { values, result });
  });

  router.get('/certificates/:code.pdf', lookups, requireUser, async (req, res) => {
    const user = signedInUser(res);
    const cert = await certificateOr404(db, req.params.code);
    // Someone else's certificate PDF answers like a missing one (the public page stays public).
    if (!(await canDownloadPdf(db, user, cert))) throw new HttpError(404);
    const pdf = await renderCertificatePdf({ ...cert, status: certificateStatus(cert) }, { baseUrl: config.baseUrl });
    res.setHeader('Content-Disposition', `inline; filename="${fileName(cert.code, 'pdf')}"`);
    // It may be a trainer's copy of someone else's certificate: never kept in any cache.
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/pdf').send(pdf);
  });

  router.get('/certificates/:code.json', lookups, async (req, res) => {
    const cert = await certificateOr404(db, req.params.code);
    publicJson(res, await signedCredential(db, cert, config), 'application/ld+json', fileName(cert.code, 'json'));
  });

  router.get('/certificates/:code/status', lookups, async (req, res) => {
    publicJson(res, revocationList(await certificateOr404(db, req.params.code), config), 'application/json');
  });

  router.get('/certificates/:code/checks', lookups, async (req, res) => {
    const cert = await certificateOr404(db, req.params.code);
    const { checks } = await credentialChecks(db, cert, config.baseUrl);
    return render(req, res, 'certificates/checks', { code: cert.code, checks }, { fragment: 'certificates/_checks' });
  });

  // Assessed work the holder chose to share: public like the certificate, 404 once no longer shared.
  router.get('/certificates/:code/evidence/:submission', lookups, async (req, res) => {
    const cert = await certificateOr404(db, req.params.code);
    const id = Number(req.params.submission);
    const [work] = Number.isSafeInteger(id) && id > 0 ? (await credentialEvidence(db, cert, id)).shared : [];
    if (!work) throw new HttpError(404);
    return render(req, res, 'certificates/evidence', {
      code: cert.code,
      work,
      learnerName: cert.learnerName,
      courseTitle: cert.courseTitle,
      courseLanguage: cert.courseLanguage,
    });
  });

  router.get('/certificates/:code', lookups, async (req, res) => {
    const code = normaliseCode(req.params.code);
    const cert = code ? await findCertificate(db, code) : undefined;
    if (!cert) return render(req, res, 'certificates/not-found', { code: String(req.params.code).slice(0, 40) }, { status: 404 });
    return renderCertificatePage(req, res, { db }, cert, { notice: noticeFrom(req.query.notice) });
  });

  router.use(certificateAdminRoutes(deps));
  return router;
}
