import type { Deps } from '../app.ts';
import { consumeToken, setPasswordRevokingAccess } from './queries.ts';
import { verifyEmail } from './verification.ts';

/**
 * Spends a one-time link and sets the account's password with it, in one transaction: every other
 * sign-in or reset link of the account is revoked and every session ends (the caller then signs
 * the person in afresh). A link that travelled to the address (a mailed reset, a trainer's
 * sign-in link) also verifies it. False when the link was spent meanwhile: nothing changes.
 */
export async function setPasswordWithLink(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { tokenId: string; userId: number; passwordHash: string; provesAddress: boolean },
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    if (!(await consumeToken(tx, input.tokenId))) return false;
    await setPasswordRevokingAccess(tx, input.userId, input.passwordHash);
    if (input.provesAddress) {
      await verifyEmail(tx, { userId: input.userId, issuerName: deps.config.issuerName, issuerNameRu: deps.config.issuerNameRu });
    }
    return true;
  });
}
