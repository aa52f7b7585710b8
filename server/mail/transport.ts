import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

// How mail leaves the platform. The factory comes with the app's dependencies
// (createApp({ mailTransport })), so a deployment or a test can swap it; mail goes out only when
// SMTP_URL is configured, and every feature that sends mail says what happens without it.

export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; headers?: Record<string, string> }): Promise<unknown>;
}
export type TransportFactory = (smtpUrl: string) => MailTransport;

/** nodemailer's SMTP transport for SMTP_URL: what the platform uses unless told otherwise. */
export const smtpTransport: TransportFactory = (smtpUrl) => nodemailer.createTransport(smtpUrl);

export function mailEnabled(config: Pick<Config, 'smtpUrl'>): boolean {
  return !!config.smtpUrl;
}
