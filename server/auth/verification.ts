import type { Deps } from '../app.ts';
import { type IssuerNames, issueCertificate } from '../certificates/issue.ts';
import type { DbOrTx } from '../db/client.ts';
import { sendMessage } from '../mail/send.ts';
import { mailEnabled } from '../mail/transport.ts';
import { VERIFY_LINK_LIFETIME, completedCourseIds, countRecentTokens, createOneTimeToken, markEmailVerified } from './queries.ts';

// A self-registered account proves its address by opening a link mailed to it. Until then no
// certificate names it: a certificate is a public statement about the person at that address.

const HOUR = 3600 * 1000;
/** Verification mails one account may ask for in an hour (sign-up counts as the first). */
export const VERIFY_MAILS_PER_HOUR = 3;

/** Whether the owner has proven the account's address (works on a users row or the signed-in user). */
export function isVerified(user: { emailVerifiedAt: number | null }): boolean {
  return user.emailVerifiedAt !== null;
}

/**
 * Marks the address verified and issues the certificates of courses completed while it was not,
 * in one transaction (nested as a savepoint inside the caller's). Nothing happens when the
 * address was verified already. Returns the codes of the certificates issued now.
 */
export async function verifyEmail(db: DbOrTx, input: { userId: number; now?: number } & IssuerNames): Promise<string[]> {
  const now = input.now ?? Date.now();
  return db.transaction(async (tx) => {
    if (!(await markEmailVerified(tx, input.userId, now))) return [];
    const codes: string[] = [];
    for (const courseId of await completedCourseIds(tx, input.userId)) {
      const issued = await issueCertificate(tx, { userId: input.userId, courseId, issuerName: input.issuerName, issuerNameRu: input.issuerNameRu, now });
      if (issued?.created) codes.push(issued.code);
    }
    return codes;
  });
}

export function verifyLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/verify/${token}`;
}

/**
 * Mails a fresh verification link, unless the account had VERIFY_MAILS_PER_HOUR of them in the
 * last hour. Resolves false when nothing was sent (limit, no mail configured, delivery failed).
 */
export async function sendVerificationMail(
  deps: Deps,
  user: { id: number; email: string; name: string; language: string },
  now = Date.now(),
): Promise<boolean> {
  if (!mailEnabled(deps.config)) return false;
  if ((await countRecentTokens(deps.db, user.id, 'verify', now - HOUR)) >= VERIFY_MAILS_PER_HOUR) return false;
  const token = await createOneTimeToken(deps.db, 'verify', { userId: user.id, expiresAt: now + VERIFY_LINK_LIFETIME }, now);
  return sendMessage(deps, {
    to: user.email,
    language: user.language,
    subjectKey: 'auth:mail.verify.subject',
    bodyKey: 'auth:mail.verify.body',
    params: { name: user.name, link: verifyLinkUrl(deps.config.baseUrl, token) },
  });
}
