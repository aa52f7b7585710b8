import type { Deps } from '../app.ts';
import { sendMessage } from '../mail/send.ts';
import { mailEnabled } from '../mail/transport.ts';
import { hashPassword } from './passwords.ts';
import { DatabaseStore } from './rate-limit-store.ts';
import { createUser, findUserByEmail, type NewUser } from './queries.ts';
import { sendVerificationMail } from './verification.ts';
import { type PlacedOrganisation, setPersonOrganisation } from '../organisations/queries.ts';

export type SignUpOutcome =
  /** No mail configured: the account exists and nothing can prove the address, so it starts verified. */
  | { kind: 'created'; id: number }
  /** Mail configured: a new address got an unverified account and a link, a known one a warning. */
  | { kind: 'checkMail' }
  /** No mail configured and the address has an account. */
  | { kind: 'notPossible' };

/** Warnings ("someone tried to sign up with your address") one account may receive in an hour. */
export const SIGNUP_WARNINGS_PER_HOUR = 3;
const HOUR = 60 * 60 * 1000;
const warningCounters = new WeakMap<Deps['db'], DatabaseStore>();
/** The counters live with the other rate limits (rate_limits), so every app instance agrees. */
function signupWarnings(db: Deps['db']): DatabaseStore {
  let store = warningCounters.get(db);
  if (!store) {
    store = new DatabaseStore(db, 'signup-warning:');
    store.init({ windowMs: HOUR } as Parameters<DatabaseStore['init']>[0]);
    warningCounters.set(db, store);
  }
  return store;
}

/**
 * Sign-up that does not tell a visitor whether an address is registered. With mail, both a new
 * and a known address get the same answer ("check your e-mail"), and the owner of a known one
 * learns of the attempt by mail. The password is hashed either way, so timing tells nothing,
 * and mail is sent in the background in both cases, for the same reason.
 */
export async function signUp(
  deps: Deps,
  input: Omit<NewUser, 'passwordHash'> & { password: string; organisation?: PlacedOrganisation | null },
): Promise<SignUpOutcome> {
  const { password, organisation, ...fields } = input;
  const passwordHash = await hashPassword(password);
  const withMail = mailEnabled(deps.config);
  const id = await deps.db.transaction(async (tx) => {
    const created = await createUser(tx, { ...fields, passwordHash, emailVerifiedAt: withMail ? null : Date.now() });
    if (created !== null && organisation) await setPersonOrganisation(tx, created, organisation, fields.language ?? 'en');
    return created;
  });
  if (!withMail) return id === null ? { kind: 'notPossible' } : { kind: 'created', id };
  if (id !== null) {
    sendVerificationMail(deps, { id, email: fields.email.toLowerCase(), name: fields.name, language: fields.language ?? 'en' }).catch((err: unknown) =>
      deps.logger.error({ err }, 'verification mail failed'),
    );
    return { kind: 'checkMail' };
  }
  const owner = await findUserByEmail(deps.db, fields.email);
  // At most a few warnings an hour per account, however many addresses the attempts come from: a
  // sign-up form must not be a way to flood someone's mailbox. The answer is the same either way.
  if (owner && (await signupWarnings(deps.db).increment(owner.email)).totalHits <= SIGNUP_WARNINGS_PER_HOUR) {
    const base = deps.config.baseUrl;
    void sendMessage(deps, {
      to: owner.email,
      language: owner.language,
      subjectKey: 'auth:mail.signupExisting.subject',
      bodyKey: 'auth:mail.signupExisting.body',
      params: { name: owner.name, loginLink: `${base}/login`, resetLink: `${base}/password-reset` },
    });
  }
  return { kind: 'checkMail' };
}
