import type { Db } from '../db/client.ts';
import { translator } from '../http/i18n.ts';
import { OB_V3, VC_V2 } from './contexts.ts';
import { issuerDid } from './did.ts';
import { issuerId, signingKey } from './keys.ts';
import { type CredentialEvidence, credentialEvidence, evidenceFingerprint } from './credential-evidence.ts';
import { keptResults } from './kept-results.ts';
import type { JsonObject } from './legacy-jcs-proof.ts';
import { certificateStatus, certificateUrl, competencyList, formatHoursIn, isoDate, labelLanguage } from './present.ts';
import { type CertificateRow, findCourseSlug } from './queries.ts';
import { signCredential } from './signing.ts';
import { statusEntry } from './status-list.ts';

// Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0) for a certificate, issued
// by the platform's did:web DID and signed with an eddsa-rdfc-2022 Data Integrity proof. It is
// built and signed on each request from the certificate row, so every download carries the
// current proof; its credentialStatus is the certificate's bit in a Bitstring Status List.

export const CONTEXTS = [VC_V2, OB_V3];
export const FRAMEWORK_NAME = 'UNESCO ICT Competency Framework for Teachers, Version 3';

interface Settings {
  baseUrl: string;
}

/** Where credentials signed before the move to Bitstring Status Lists (eddsa-jcs-2022) point for their status. */
function legacyStatusUrl(baseUrl: string, code: string): string {
  return `${certificateUrl(baseUrl, code)}/status`;
}

/**
 * The unsigned credential: the facts frozen on the certificate row, and (when given) the standing of
 * each competency and the assessed work the teacher shares, from credentialEvidence. Each competency
 * has a result description (its alignment, and the two standings, low to high) and, in the subject,
 * a result saying which standing the teacher reached; shared work is the credential's evidence.
 */
export function buildCredential(cert: CertificateRow, courseSlug: string, { baseUrl }: Settings, evidence?: CredentialEvidence): JsonObject {
  const lang = labelLanguage(cert.courseLanguage);
  const t = translator(lang);
  const hours = formatHoursIn(lang, cert.hours);
  const achievementId = `${baseUrl}/courses/${courseSlug}`;
  const competencies = competencyList(cert.competencies, lang);
  const alignment = (c: { code: string; title: string }) => ({
    type: ['Alignment'],
    targetName: c.title,
    targetCode: c.code,
    targetFramework: FRAMEWORK_NAME,
    targetUrl: `${baseUrl}/framework/${c.code}`,
  });
  const standingWord = (standing: string) => t(`certificates:credential.standing.${standing}`);
  const results = (evidence?.standings ?? []).filter((s) => s.standing !== 'none');
  return {
    '@context': CONTEXTS,
    id: certificateUrl(baseUrl, cert.code),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: t('certificates:credential.name', { course: cert.courseTitle }),
    issuer: { id: issuerDid(baseUrl), type: ['Profile'], name: cert.issuerName, url: baseUrl },
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
        alignment: competencies.map(alignment),
        ...(evidence
          ? {
              resultDescription: competencies.map((c) => ({
                id: `${achievementId}#standing-${c.code}`,
                type: ['ResultDescription'],
                name: t('certificates:credential.standingName', { code: c.code, title: c.title }),
                resultType: 'PerformanceLevel',
                allowedValue: [standingWord('checked'), standingWord('demonstrated')],
                alignment: [alignment(c)],
              })),
            }
          : {}),
      },
      ...(results.length
        ? { result: results.map((s) => ({ type: ['Result'], resultDescription: `${achievementId}#standing-${s.code}`, value: standingWord(s.standing) })) }
        : {}),
    },
    ...(evidence?.shared.length
      ? {
          evidence: evidence.shared.map((w) => ({
            id: `${certificateUrl(baseUrl, cert.code)}/evidence/${w.submissionId}`,
            type: ['Evidence'],
            name: w.assignmentTitle,
            description: w.moduleTitle,
            genre: t('certificates:credential.assessedGenre'),
            narrative: t('certificates:credential.assessedNarrative', {
              total: w.total,
              max: w.max,
              threshold: w.threshold,
              assessor: w.assessorName,
              date: isoDate(w.assessedAt).slice(0, 10),
            }),
          })),
        }
      : {}),
    credentialStatus: statusEntry(baseUrl, cert.id),
  };
}

const signed = keptResults<JsonObject>(1000);

/**
 * GET /certificates/:code.json and the certificate page: the credential, signed by the current issuer
 * key (created = issue time). RDF canonicalisation and signing cost about 20 ms, and the result never
 * changes for a certificate until the key does, so the last thousand are kept (revocation lives in the
 * status list, not in the credential). Returns a copy: callers may add to it.
 */
export async function signedCredential(db: Db, cert: CertificateRow, settings: Settings): Promise<JsonObject> {
  // The key is read from the database, so an entry kept here never outlives a rotation on any instance.
  const [key, evidence] = await Promise.all([signingKey(db), credentialEvidence(db, cert)]);
  const credential = await signed(db, `${cert.code}|${key.id}|${settings.baseUrl}|${evidenceFingerprint(evidence)}`, async () => {
    const courseSlug = (await findCourseSlug(db, cert.courseId)) ?? String(cert.courseId);
    return signCredential(db, settings.baseUrl, buildCredential(cert, courseSlug, settings, evidence), isoDate(cert.issuedAt), key);
  });
  return structuredClone(credential);
}

/**
 * GET /certificates/:code/status: a 1EdTech revocation list holding this one credential's status,
 * kept for the credentials signed before Bitstring Status Lists, which point here.
 * revokedCredentials lists it when revoked (never with the private reason); `status` and
 * `replacedBy` are this platform's additions, for people reading it.
 */
export function revocationList(cert: CertificateRow, { baseUrl }: Settings): JsonObject {
  const status = certificateStatus(cert);
  return {
    id: legacyStatusUrl(baseUrl, cert.code),
    issuer: issuerId(baseUrl),
    revokedCredentials: status === 'revoked' ? [{ id: certificateUrl(baseUrl, cert.code), revokedAt: isoDate(cert.revokedAt as number) }] : [],
    status,
    ...(cert.replacedByCode ? { replacedBy: certificateUrl(baseUrl, cert.replacedByCode) } : {}),
  };
}
