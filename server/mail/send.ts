import type { Config } from '../config.ts';
import { isLanguage, translator } from '../http/i18n.ts';
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
    const t = translator(isLanguage(message.language) ? message.language : 'en');
    // The object option makes the translator skip its memo, so no rendered link stays in memory.
    const params = { site: config.issuerName, ...message.params, interpolation: { escapeValue: false } };
    await deps.mailTransport(config.smtpUrl).sendMail({
      from: config.mailFrom,
      to: message.to,
      subject: t(message.subjectKey, params),
      text: t(message.bodyKey, params),
    });
    return true;
  } catch (err) {
    // Only the kind of message and the transport's error code: never the text, which may hold a link.
    const code = (err as { code?: unknown; responseCode?: unknown } | null) ?? {};
    deps.logger?.warn({ mail: message.subjectKey, to: message.to, code: code.code, responseCode: code.responseCode }, 'mail not sent');
    return false;
  }
}
