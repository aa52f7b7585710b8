import type { Config } from '../config.ts';
import { forgetfulTranslator, isLanguage } from '../http/i18n.ts';
import type { TransportFactory } from './transport.ts';

/** What sendMessage needs; the app's Deps has all of it. */
export interface MailDeps {
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'issuerName'>;
  mailTransport: TransportFactory;
  /** Where a failed delivery is reported (without the message text: it may hold a link). */
  logger?: { warn(obj: object, msg: string): void };
}

export interface Message {
  /** One recipient's address. */
  to: string;
  /** The recipient's language ('en' | 'ru'); anything else falls back to English. */
  language: string;
  /** Translation keys, e.g. 'auth:mail.verify.subject' / 'auth:mail.verify.body'. */
  subjectKey: string;
  bodyKey: string;
  /** Interpolated into both texts; `site` (the issuer name) is added unless given. */
  params?: Record<string, string | number>;
  /** Extra headers, e.g. List-Unsubscribe on reminders (RFC 2369). */
  headers?: Record<string, string>;
}

/**
 * Sends one plain-text message, translated into the recipient's language. Resolves true when the
 * SMTP server accepted it, false when mail is not configured or delivery failed. It never
 * rejects, so a request never fails because of mail; callers may `void` it when the response
 * must not wait for (or reveal the timing of) delivery.
 */
export async function sendMessage(deps: MailDeps, message: Message): Promise<boolean> {
  const { config } = deps;
  if (!config.smtpUrl) return false;
  try {
    // A translator without a memo, so no rendered link stays in memory; a per-call interpolation
    // option would do the same but makes i18next rebuild its expressions on every message.
    const t = forgetfulTranslator(isLanguage(message.language) ? message.language : 'en');
    const params = { site: config.issuerName, ...message.params };
    const mail = {
      from: config.mailFrom,
      to: message.to,
      subject: t(message.subjectKey, params),
      text: t(message.bodyKey, params),
      // Only when given, so transports and tests that compare the message see what they always did.
      ...(message.headers ? { headers: message.headers } : {}),
    };
    await deps.mailTransport(config.smtpUrl).sendMail(mail);
    return true;
  } catch (err) {
    // Only the kind of message and the transport's error code: never the text, which may hold a link.
    const code = (err as { code?: unknown; responseCode?: unknown } | null) ?? {};
    deps.logger?.warn({ mail: message.subjectKey, to: message.to, code: code.code, responseCode: code.responseCode }, 'mail not sent');
    return false;
  }
}
