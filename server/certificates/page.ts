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
import { certificateStatus, competencyList } from './present.ts';
import { type CertificateRow, findCertificate, findUserName } from './queries.ts';
import { verifyCredential } from './verification.ts';

// The verification page, shared by the public route and the admin actions that re-render it.

const NOTICES = new Set(['revoked', 'alreadyRevoked', 'reissued', 'cannotReissue']);

/** The owner, their trainer (through a cohort) and administrators may download the PDF. */
export function canDownloadPdf(db: Db, user: SessionUser | undefined, cert: Pick<CertificateRow, 'userId'>): boolean {
  if (!user) return false;
  if (user.id === cert.userId || hasRole(user, 'admin')) return true;
  return hasRole(user, 'trainer') && isTrainerOf(db, user.id, cert.userId);
}

/** The certificate a URL's :code names (any case, with or without dashes), or a 404. */
export function certificateOr404(db: Db, typed: unknown): CertificateRow {
  const code = normaliseCode(typed);
  const cert = code ? findCertificate(db, code) : undefined;
  if (!cert) throw new HttpError(404);
  return cert;
}

export function noticeFrom(value: unknown): string | null {
  return typeof value === 'string' && NOTICES.has(value) ? value : null;
}

export async function renderCertificatePage(
  req: Request,
  res: Response,
  { db, baseUrl }: { db: Db; baseUrl: string },
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
    courseSlug: getCatalogue(db).courseById(cert.courseId)?.slug ?? null,
    hours: cert.hours,
    issuedAt: cert.issuedAt,
    issuerName: cert.issuerName,
    revokedAt: cert.revokedAt,
    replacedByCode: cert.replacedByCode,
    replacedByDisplay: cert.replacedByCode ? formatCode(cert.replacedByCode) : null,
    competencies: competencyList(cert.competencies, lang),
  };
  // The page reports the checks a verifier makes of this certificate's credential, made the same way.
  const { checks } = await verifyCredential(db, await signedCredential(db, cert, { baseUrl }), { baseUrl });
  // Administrators see the private side (reason, names) and the actions; nobody else does.
  const admin = isAdmin
    ? {
        currentName: findUserName(db, cert.userId) ?? '',
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
      checks,
      admin,
      canDownloadPdf: canDownloadPdf(db, user, cert),
      notice: extra.notice ?? null,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    },
    { status: extra.status },
  );
}
