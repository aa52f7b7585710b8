import type { Request, Response } from 'express';
import { currentUser, hasRole } from '../auth/guards.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { isTrainerOf } from '../cohorts/access.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import type { Db } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import type { FieldErrors } from '../http/validation.ts';
import { formatCode, normaliseCode } from './code.ts';
import { signedCredential } from './credential.ts';
import { credentialEvidence } from './credential-evidence.ts';
import { certificateStatus, competencyList } from './present.ts';
import { type CertificateRow, findCertificate, findUserName } from './queries.ts';
import { keptResults } from './kept-results.ts';
import { signingKey } from './keys.ts';
import { type VerificationResult, verifyCredential } from './verification.ts';

const pageChecks = keptResults<VerificationResult>(1000);

// The verification page, shared by the public route and the admin actions that re-render it.

const NOTICES = new Set(['revoked', 'alreadyRevoked', 'reissued', 'cannotReissue']);

/** The owner, their trainer (through a cohort) and administrators may download the PDF. */
export async function canDownloadPdf(db: Db, user: SessionUser | undefined, cert: Pick<CertificateRow, 'userId'>): Promise<boolean> {
  if (!user) return false;
  if (user.id === cert.userId || hasRole(user, 'admin')) return true;
  return hasRole(user, 'trainer') && (await isTrainerOf(db, user.id, cert.userId));
}

/** The certificate a URL's :code names (any case, with or without dashes), or a 404. */
export async function certificateOr404(db: Db, typed: unknown): Promise<CertificateRow> {
  const code = normaliseCode(typed);
  const cert = code ? await findCertificate(db, code) : undefined;
  if (!cert) throw new HttpError(404);
  return cert;
}

export function noticeFrom(value: unknown): string | null {
  return typeof value === 'string' && NOTICES.has(value) ? value : null;
}

export async function renderCertificatePage(
  req: Request,
  res: Response,
  { db }: { db: Db },
  cert: CertificateRow,
  extra: { notice?: string | null; errors?: FieldErrors; values?: Record<string, string>; status?: number } = {},
): Promise<void> {
  const user = currentUser(res);
  const lang: string = res.locals.lang;
  const status = certificateStatus(cert);
  const isAdmin = hasRole(user, 'admin');
  const view = {
    code: cert.code,
    display: formatCode(cert.code),
    status,
    learnerName: cert.learnerName,
    courseTitle: cert.courseTitle,
    courseLanguage: cert.courseLanguage,
    courseSlug: (await getCatalogue(db)).courseById(cert.courseId)?.slug ?? null,
    hours: cert.hours,
    issuedAt: cert.issuedAt,
    issuerName: cert.issuerName,
    revokedAt: cert.revokedAt,
    replacedByCode: cert.replacedByCode,
    replacedByDisplay: cert.replacedByCode ? formatCode(cert.replacedByCode) : null,
    competencies: competencyList(cert.competencies, lang),
    evidence: await credentialEvidence(db, cert),
  };
  // Administrators see the private side (reason, names) and the actions; nobody else does.
  const admin = isAdmin
    ? {
        currentName: (await findUserName(db, cert.userId)) ?? '',
        revokedReason: cert.revokedReason ?? '',
        canRevoke: status !== 'revoked',
        canReissue: status === 'valid',
      }
    : null;
  return render(
    req,
    res,
    'certificates/show',
    {
      cert: view,
      admin,
      canDownloadPdf: await canDownloadPdf(db, user, cert),
      notice: extra.notice ?? null,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    },
    { status: extra.status },
  );
}

/**
 * The checks a verifier makes of this certificate's credential, made the same way: sign what
 * GET /certificates/:code.json serves, then verify it. That costs about 25 ms of CPU, so the page
 * loads them apart (GET /certificates/:code/checks) and the result is kept while the key and the
 * revocation stay as they are. Both are named in the entry's key as read from the database for this
 * request (`cert` is the row just read, the key id is read by signingKey), so a revocation, a
 * re-issue or a rotation made by another instance leads to a new entry, never to a stale one.
 */
export async function credentialChecks(db: Db, cert: CertificateRow, baseUrl: string): Promise<VerificationResult> {
  const key = await signingKey(db);
  return pageChecks(db, `${cert.code}|${key.id}|${cert.revokedAt ?? ''}|${cert.replacedByCode ?? ''}|${baseUrl}`, async () =>
    verifyCredential(db, await signedCredential(db, cert, { baseUrl }), { baseUrl }),
  );
}
