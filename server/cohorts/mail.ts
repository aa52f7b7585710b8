import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { isLanguage, translator } from '../http/i18n.ts';

// Sign-in links by e-mail, only when SMTP_URL is configured. Tests swap the transport for
// nodemailer's jsonTransport through setMailTransportFactory, never a real server.

export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}
export type TransportFactory = (smtpUrl: string) => MailTransport;

const defaultFactory: TransportFactory = (smtpUrl) => nodemailer.createTransport(smtpUrl);
let factory: TransportFactory = defaultFactory;

/** Replaces how transports are made (tests); null restores nodemailer's SMTP transport. */
export function setMailTransportFactory(next: TransportFactory | null): void {
  factory = next ?? defaultFactory;
}

export function mailEnabled(config: Pick<Config, 'smtpUrl'>): boolean {
  return !!config.smtpUrl;
}

export interface LinkRecipient {
  email: string;
  name: string;
  language: string;
  link: string;
}

const CONCURRENCY = 5;

/** Sends each person their link in their own language; failures are collected, not thrown. */
export async function sendSignInLinks(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'issuerName'>,
  cohortName: string,
  recipients: LinkRecipient[],
): Promise<{ sent: number; failed: string[] }> {
  if (!config.smtpUrl) throw new Error('SMTP is not configured');
  const transport = factory(config.smtpUrl);
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < recipients.length; i += CONCURRENCY) {
    const batch = recipients.slice(i, i + CONCURRENCY);
    const results = await Promise.allSettled(
      batch.map((r) => {
        const t = translator(isLanguage(r.language) ? r.language : 'en');
        const params = { name: r.name, cohort: cohortName, site: config.issuerName, link: r.link };
        return transport.sendMail({ from: config.mailFrom, to: r.email, subject: t('cohorts:mail.subject', params), text: t('cohorts:mail.body', params) });
      }),
    );
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') sent++;
      else failed.push(batch[j]!.email);
    });
  }
  return { sent, failed };
}
