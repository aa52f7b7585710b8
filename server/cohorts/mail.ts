import type { Config } from '../config.ts';
import { sendMessage } from '../mail/send.ts';
import type { TransportFactory } from '../mail/transport.ts';

// The transport lives in server/mail/; re-exported here for the cohort routes that import it.
export { mailEnabled, smtpTransport, type MailTransport, type TransportFactory } from '../mail/transport.ts';

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
  let sent = 0;
  const failed: string[] = [];
  for (let i = 0; i < recipients.length; i += CONCURRENCY) {
    const batch = recipients.slice(i, i + CONCURRENCY);
    const results = await Promise.all(
      batch.map((r) =>
        sendMessage(
          { config, mailTransport: makeTransport },
          {
            to: r.email,
            language: r.language,
            subjectKey: 'cohorts:mail.subject',
            bodyKey: 'cohorts:mail.body',
            params: { name: r.name, cohort: cohortName, link: r.link },
          },
        ),
      ),
    );
    results.forEach((ok, j) => {
      if (ok) sent++;
      else failed.push(batch[j]!.email);
    });
  }
  return { sent, failed };
}
