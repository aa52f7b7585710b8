import type { Db } from '../db/client.ts';
import { translator } from '../http/i18n.ts';
import { normaliseCode } from './code.ts';
import { issuerId, signingKey, verificationKey } from './keys.ts';
import { certificateStatus, certificateUrl, competencyList, formatHoursIn, isoDate, labelLanguage } from './present.ts';
import { addProof, checkProof, isObject, type JsonObject } from './proof.ts';
import { type CertificateRow, findCertificate, findCourseSlug } from './queries.ts';

// Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0) for a certificate,
// signed with a Data Integrity proof (eddsa-jcs-2022) by the issuer key.
//
// credentialStatus is a 1EdTech Revocation List at /certificates/<code>/status (see
// revocationList below). Verifiers that skip it are still safe with verifyCredential here,
// which always reads the status from the database.

export const CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
export const FRAMEWORK_NAME = 'UNESCO ICT Competency Framework for Teachers, Version 3';

interface Settings {
  baseUrl: string;
}

function statusUrl(baseUrl: string, code: string): string {
  return `${certificateUrl(baseUrl, code)}/status`;
}

/** The unsigned credential: only facts frozen on the certificate row, so it reads the same every time. */
export function buildCredential(cert: CertificateRow, courseSlug: string, { baseUrl }: Settings): JsonObject {
  const lang = labelLanguage(cert.courseLanguage);
  const t = translator(lang);
  const hours = formatHoursIn(lang, cert.hours);
  return {
    '@context': CONTEXTS,
    id: certificateUrl(baseUrl, cert.code),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: t('certificates:credential.name', { course: cert.courseTitle }),
    issuer: { id: issuerId(baseUrl), type: ['Profile'], name: cert.issuerName, url: baseUrl },
    validFrom: isoDate(cert.issuedAt),
    credentialSubject: {
      type: ['AchievementSubject'],
      // The learner has no public identifier of their own; the name as printed on the certificate identifies them.
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: cert.learnerName }],
      achievement: {
        id: `${baseUrl}/courses/${courseSlug}`,
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: cert.courseTitle,
        description: t('certificates:credential.description', { course: cert.courseTitle, hours: t('certificates:hours', { count: cert.hours, hours }) }),
        criteria: { narrative: t('certificates:credential.criteria') },
        inLanguage: cert.courseLanguage,
        alignment: competencyList(cert.competencies, lang).map((c) => ({
          type: ['Alignment'],
          targetName: c.title,
          targetCode: c.code,
          targetFramework: FRAMEWORK_NAME,
          targetUrl: `${baseUrl}/framework/${c.code}`,
        })),
      },
    },
    credentialStatus: { id: statusUrl(baseUrl, cert.code), type: '1EdTechRevocationList' },
  };
}

/** GET /certificates/:code.json: the credential, signed now by the current issuer key (created = issue time). */
export function signedCredential(db: Db, cert: CertificateRow, settings: Settings): JsonObject {
  const key = signingKey(db);
  const courseSlug = findCourseSlug(db, cert.courseId) ?? String(cert.courseId);
  return addProof(buildCredential(cert, courseSlug, settings), {
    verificationMethod: `${issuerId(settings.baseUrl)}#${key.id}`,
    created: isoDate(cert.issuedAt),
    privateKey: key.privateKey,
  });
}

/**
 * GET /certificates/:code/status: a 1EdTech revocation list holding this one credential's status.
 * revokedCredentials lists it when revoked (never with the private reason); `status` and
 * `replacedBy` are this platform's additions, for people reading it.
 */
export function revocationList(cert: CertificateRow, { baseUrl }: Settings): JsonObject {
  const status = certificateStatus(cert);
  return {
    id: statusUrl(baseUrl, cert.code),
    issuer: issuerId(baseUrl),
    revokedCredentials: status === 'revoked' ? [{ id: certificateUrl(baseUrl, cert.code), revokedAt: isoDate(cert.revokedAt as number) }] : [],
    status,
    ...(cert.replacedByCode ? { replacedBy: certificateUrl(baseUrl, cert.replacedByCode) } : {}),
  };
}

export type VerificationReason = 'malformed' | 'signature' | 'issuer' | 'unknown' | 'revoked' | 'replaced';

/** What a verifier may see: no private revocation reason, no user id. */
export interface VerifiedCertificate {
  code: string;
  learnerName: string;
  courseTitle: string;
  courseLanguage: string;
  issuedAt: number;
  issuerName: string;
  revokedAt: number | null;
  replacedByCode: string | null;
}

export interface VerificationResult {
  valid: boolean;
  revoked: boolean;
  reason?: VerificationReason;
  certificate?: VerifiedCertificate;
}

function publicPart(cert: CertificateRow): VerifiedCertificate {
  const { code, learnerName, courseTitle, courseLanguage, issuedAt, issuerName, revokedAt, replacedByCode } = cert;
  return { code, learnerName, courseTitle, courseLanguage, issuedAt, issuerName, revokedAt, replacedByCode };
}

/**
 * Verifies a credential (an object or JSON text): the proof must be ours and intact, then the
 * certificate's current status comes from the database. With baseUrl, the verification method
 * must also be this deployment's issuer.
 */
export function verifyCredential(db: Db, credential: unknown, options: { baseUrl?: string } = {}): VerificationResult {
  let doc: unknown = credential;
  if (typeof credential === 'string') {
    try {
      doc = JSON.parse(credential);
    } catch {
      return { valid: false, revoked: false, reason: 'malformed' };
    }
  }
  if (!isObject(doc) || typeof doc.id !== 'string') return { valid: false, revoked: false, reason: 'malformed' };

  const check = checkProof(doc, (method) => {
    const hash = method.lastIndexOf('#');
    if (hash < 0) return undefined;
    if (options.baseUrl && method.slice(0, hash) !== issuerId(options.baseUrl)) return undefined;
    return verificationKey(db, method.slice(hash + 1));
  });
  if (!check.ok) return { valid: false, revoked: false, reason: check.reason };

  const code = normaliseCode(doc.id.slice(doc.id.lastIndexOf('/') + 1));
  const cert = code ? findCertificate(db, code) : undefined;
  if (!cert) return { valid: false, revoked: false, reason: 'unknown' };
  const status = certificateStatus(cert);
  if (status === 'valid') return { valid: true, revoked: false, certificate: publicPart(cert) };
  return { valid: false, revoked: status === 'revoked', reason: status, certificate: publicPart(cert) };
}
