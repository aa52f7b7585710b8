import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { isLanguage, translator } from '../http/i18n.ts';

// Sign-in links by e-mail, only when SMTP_URL is configured. The transport factory comes with the
// app's dependencies (createApp({ mailTransport })): tests give one that records the messages.

export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}
export type TransportFactory = (smtpUrl: string) => MailTransport;

/** nodemailer's SMTP transport for SMTP_URL: what the platform uses unless told otherwise. */
export const smtpTransport: TransportFactory = (smtpUrl) => nodemailer.createTransport(smtpUrl);

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
  makeTransport: TransportFactory,
  cohortName: string,
  recipients: LinkRecipient[],
): Promise<{ sent: number; failed: string[] }> {
  if (!config.smtpUrl) throw new Error('SMTP is not configured');
  const transport = makeTransport(config.smtpUrl);
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
