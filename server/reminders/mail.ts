import type { Deps } from '../app.ts';
import { isLanguage, translator } from '../http/i18n.ts';
import { type MailDeps, sendMessage } from '../mail/send.ts';
import type { ReminderDetail, ReminderKind } from '../db/schema.ts';

// The texts of reminders and digests. Mail is never logged with its text: it holds the
// recipient's unsubscribe link (sendMessage logs only the kind and the error code).

const DATE_OPTIONS: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
const DATES = { en: new Intl.DateTimeFormat('en-GB', DATE_OPTIONS), ru: new Intl.DateTimeFormat('ru-RU', DATE_OPTIONS) };

function languageOf(language: string): 'en' | 'ru' {
  return isLanguage(language) ? language : 'en';
}

export function formatDay(iso: string, language: string): string {
  return DATES[languageOf(language)].format(new Date(`${iso}T00:00:00Z`));
}

/**
 * One transport for a whole run (or a batch), so messages do not each build their own: with
 * `?pool=true` in SMTP_URL (nodemailer reads it) a run reuses a few SMTP connections. `close`
 * lets the pool's connections go when the run is over.
 */
export function runMail(deps: Pick<Deps, 'config' | 'mailTransport' | 'logger'>): MailDeps & { close(): void } {
  const transport = deps.mailTransport(deps.config.smtpUrl ?? '');
  return {
    config: deps.config,
    logger: deps.logger,
    mailTransport: () => transport,
    close: () => (transport as { close?: () => void }).close?.(),
  };
}

export interface LearnerMail {
  kind: Exclude<ReminderKind, 'digest'>;
  to: { name: string; email: string; language: string };
  cohortName: string;
  detail: ReminderDetail;
  unsubscribeToken: string;
  /** manual: the trainer who sent it. */
  trainer?: string;
}

/** A reminder to a learner: their progress, due date, dashboard link and unsubscribe link. */
export function sendLearnerReminder(mail: MailDeps, baseUrl: string, m: LearnerMail): Promise<boolean> {
  const language = languageOf(m.to.language);
  const t = translator(language);
  const d = m.detail;
  const unsubscribeUrl = `${baseUrl}/reminders/unsubscribe/${m.unsubscribeToken}`;
  return sendMessage(mail, {
    to: m.to.email,
    language,
    subjectKey: `reminders:mail.${m.kind}.subject`,
    bodyKey: `reminders:mail.${m.kind}.body`,
    params: {
      name: m.to.name,
      cohort: m.cohortName,
      trainer: m.trainer ?? '',
      // Only due_soon's subject has plural forms; a count elsewhere would make i18next look for them.
      ...(m.kind === 'due_soon' ? { count: d.daysLeft ?? 0 } : {}),
      progress: t('reminders:mail.progress', { completed: d.completed ?? 0, total: d.total ?? 0 }),
      due: d.dueDate ? t('reminders:mail.due', { date: formatDay(d.dueDate, language) }) : '',
      dashboardUrl: `${baseUrl}/dashboard`,
      unsubscribeUrl,
    },
    // A mail client's own "unsubscribe" opens the same confirmation page (RFC 2369).
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>` },
  });
}

export interface DigestGroup {
  count: number;
  names: string[];
}

/** The weekly digest to one trainer. */
export function sendDigest(
  mail: MailDeps,
  baseUrl: string,
  to: { name: string; email: string; language: string },
  cohort: { id: number; name: string },
  groups: { not_started: DigestGroup; behind: DigestGroup; overdue: DigestGroup },
): Promise<boolean> {
  const language = languageOf(to.language);
  const t = translator(language);
  const list = (g: DigestGroup) => {
    const lines = g.names.map((n) => `- ${n}\n`).join('');
    const more = g.count - g.names.length;
    return more > 0 ? `${lines}${t('reminders:mail.digest.more', { count: more })}\n` : lines;
  };
  return sendMessage(mail, {
    to: to.email,
    language,
    subjectKey: 'reminders:mail.digest.subject',
    bodyKey: 'reminders:mail.digest.body',
    params: {
      name: to.name,
      cohort: cohort.name,
      notStarted: groups.not_started.count,
      behind: groups.behind.count,
      overdue: groups.overdue.count,
      notStartedNames: list(groups.not_started),
      behindNames: list(groups.behind),
      overdueNames: list(groups.overdue),
      cohortUrl: `${baseUrl}/cohorts/${cohort.id}`,
      remindersUrl: `${baseUrl}/cohorts/${cohort.id}/reminders`,
    },
  });
}
