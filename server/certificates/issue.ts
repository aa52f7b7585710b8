import { emailVerifiedAtOf } from '../auth/queries.ts';
import type { Db, Tx } from '../db/client.ts';
import { issuerNameFor } from '../config.ts';
import { COMPETENCIES } from '../framework/ict-cft.ts';
import { uniqueCode } from './code.ts';
import {
  type CertificateRow,
  codeExists,
  courseCompetencyCodes,
  findCertificate,
  findCourse,
  findCurrentCertificate,
  findUserName,
  insertCertificate,
  markReplaced,
  markRevoked,
} from './queries.ts';

export { certificatesOfUser, type UserCertificate } from './queries.ts';

const FRAMEWORK_ORDER = new Map(COMPETENCIES.map((c, i) => [c.code as string, i]));
const byFrameworkOrder = (a: string, b: string) => (FRAMEWORK_ORDER.get(a) ?? 99) - (FRAMEWORK_ORDER.get(b) ?? 99) || a.localeCompare(b);

/**
 * Issues the completion certificate for (user, course) inside the caller's transaction (the one
 * that records the completion). Idempotent: an existing current certificate is returned with
 * created: false. Null when the course awards no certificate, or while the learner's address is
 * unverified: a certificate must not name an account nobody has shown to own; verifying issues
 * it then (server/auth/verification.ts). The learner's name, the course's title, language, hours
 * and competencies are copied as they are now: a certificate never changes.
 */
export async function issueCertificate(
  tx: Tx,
  input: { userId: number; courseId: number; now: number } & IssuerNames,
): Promise<{ code: string; created: boolean } | null> {
  const course = await findCourse(tx, input.courseId);
  if (!course) throw new Error(`issueCertificate: no course ${input.courseId}`);
  if (!course.certificate) return null;
  const existing = await findCurrentCertificate(tx, input.userId, input.courseId);
  if (existing) return { code: existing.code, created: false };
  if ((await emailVerifiedAtOf(tx, input.userId)) === null) return null;
  const learnerName = await findUserName(tx, input.userId);
  if (learnerName === undefined) throw new Error(`issueCertificate: no user ${input.userId}`);

  const code = await uniqueCode((c) => codeExists(tx, c));
  await insertCertificate(tx, {
    code,
    userId: input.userId,
    courseId: course.id,
    learnerName,
    courseTitle: course.title,
    courseLanguage: course.language,
    hours: course.hours,
    competencies: (await courseCompetencyCodes(tx, course.id)).sort(byFrameworkOrder),
    issuerName: issuerNameIn(input, course.language),
    issuedAt: input.now,
  });
  return { code, created: true };
}

/** The issuer's name, and optionally its Russian name (ISSUER_NAME_RU) for Russian courses. */
export interface IssuerNames {
  issuerName: string;
  issuerNameRu?: string;
}

/** A certificate names its issuer in the course's language. */
function issuerNameIn(names: IssuerNames, language: string): string {
  return issuerNameFor({ issuerName: names.issuerName, issuerNameRu: names.issuerNameRu ?? names.issuerName }, language);
}

export type ReissueResult = { ok: true; code: string } | { ok: false; reason: 'unknown' | 'replaced' | 'revoked' };

/**
 * Re-issues a certificate after a name correction: a new certificate with the learner's current
 * name (same course facts), and the old one pointing at it. Both writes share one transaction.
 */
export async function reissueCertificate(db: Db, code: string, input: { now: number } & IssuerNames): Promise<ReissueResult> {
  return db.transaction(async (tx): Promise<ReissueResult> => {
    const old = await findCertificate(tx, code);
    if (!old) return { ok: false, reason: 'unknown' };
    if (old.replacedByCode) return { ok: false, reason: 'replaced' };
    if (old.revokedAt) return { ok: false, reason: 'revoked' };
    const learnerName = (await findUserName(tx, old.userId)) ?? old.learnerName;
    const newCode = await uniqueCode((c) => codeExists(tx, c));
    // The old row leaves the "current" unique index before the new one enters it.
    await markReplaced(tx, old.code, newCode);
    await insertCertificate(tx, {
      code: newCode,
      userId: old.userId,
      courseId: old.courseId,
      learnerName,
      courseTitle: old.courseTitle,
      courseLanguage: old.courseLanguage,
      hours: old.hours,
      competencies: old.competencies,
      issuerName: issuerNameIn(input, old.courseLanguage),
      issuedAt: input.now,
    });
    return { ok: true, code: newCode };
  });
}

export type RevokeResult = { ok: true } | { ok: false; reason: 'unknown' | 'alreadyRevoked' };

/** Revokes a certificate with a private reason; the first revocation (its date and reason) stands. */
export async function revokeCertificate(db: Db, code: string, input: { reason: string; now: number }): Promise<RevokeResult> {
  return db.transaction(async (tx): Promise<RevokeResult> => {
    const cert: CertificateRow | undefined = await findCertificate(tx, code);
    if (!cert) return { ok: false, reason: 'unknown' };
    return (await markRevoked(tx, code, input.reason, input.now)) ? { ok: true } : { ok: false, reason: 'alreadyRevoked' };
  });
}
