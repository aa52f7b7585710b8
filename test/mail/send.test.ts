import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSignInLinks } from '../../server/cohorts/mail.ts';
import { sendMessage } from '../../server/mail/send.ts';
import { smtpTransport } from '../../server/mail/transport.ts';
import { testConfig } from '../helpers.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

const LINK = 'http://localhost:3000/password-reset/secrettokensecrettokensecrettoken';

function recordingLogger() {
  const lines: { obj: object; msg: string }[] = [];
  return { lines, warn: (obj: object, msg: string) => lines.push({ obj, msg }) };
}

describe('sendMessage', () => {
  it('delivers one message in the recipient’s language, with the site name', async () => {
    const config = testConfig({ SMTP_URL: smtp.url, ISSUER_NAME: 'Arctic PD', MAIL_FROM: 'pd@school.example' });
    const before = smtp.messages.length;
    const ok = await sendMessage(
      { config, mailTransport: smtpTransport },
      { to: 'ira@school.example', language: 'ru', subjectKey: 'auth:mail.reset.subject', bodyKey: 'auth:mail.reset.body', params: { name: 'Ира', link: LINK } },
    );
    expect(ok).toBe(true);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.from).toBe('pd@school.example');
    expect(mail?.to).toEqual(['ira@school.example']);
    expect(mail?.subject).toBe('Сброс пароля на Arctic PD');
    expect(mail?.text).toContain('Здравствуйте, Ира!');
    expect(mail?.text).toContain(LINK);
  });

  it('falls back to English for an unknown language', async () => {
    const config = testConfig({ SMTP_URL: smtp.url });
    const before = smtp.messages.length;
    await sendMessage(
      { config, mailTransport: smtpTransport },
      { to: 'x@school.example', language: 'xx', subjectKey: 'auth:mail.verify.subject', bodyKey: 'auth:mail.verify.body', params: { name: 'X', link: LINK } },
    );
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.subject).toBe('Confirm your e-mail address for ICT-CFT Teacher Platform');
  });

  it('resolves false, sending nothing, when mail is not configured', async () => {
    const config = testConfig();
    let made = 0;
    const ok = await sendMessage(
      {
        config,
        mailTransport: () => {
          made++;
          return { sendMail: async () => ({}) };
        },
      },
      { to: 'x@y.org', language: 'en', subjectKey: 'a', bodyKey: 'b' },
    );
    expect(ok).toBe(false);
    expect(made).toBe(0);
  });

  it('never rejects when delivery fails, and logs without the message text or link', async () => {
    const dead = await startSmtp();
    await dead.close();
    const config = testConfig({ SMTP_URL: dead.url });
    const logger = recordingLogger();
    const ok = await sendMessage(
      { config, mailTransport: smtpTransport, logger },
      {
        to: 'lost@school.example',
        language: 'en',
        subjectKey: 'auth:mail.reset.subject',
        bodyKey: 'auth:mail.reset.body',
        params: { name: 'Lost', link: LINK },
      },
    );
    expect(ok).toBe(false);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.msg).toBe('mail not sent');
    expect(logger.lines[0]?.obj).toMatchObject({ mail: 'auth:mail.reset.subject', to: 'lost@school.example' });
    expect(JSON.stringify(logger.lines)).not.toContain('secrettoken');
  });
});

describe('sendSignInLinks (cohorts, now through sendMessage)', () => {
  it('sends each person their link and reports failures', async () => {
    const config = testConfig({ SMTP_URL: smtp.url });
    const before = smtp.messages.length;
    const failing = (url: string) => {
      const real = smtpTransport(url);
      return {
        sendMail: (m: { from: string; to: string; subject: string; text: string }) =>
          m.to === 'bad@school.example' ? Promise.reject(new Error('no')) : real.sendMail(m),
      };
    };
    const result = await sendSignInLinks(config, failing, 'Tundra 2025', [
      { email: 'ok@school.example', name: 'Ok', language: 'en', link: 'http://localhost:3000/signin/abc' },
      { email: 'bad@school.example', name: 'Bad', language: 'ru', link: 'http://localhost:3000/signin/def' },
    ]);
    expect(result).toEqual({ sent: 1, failed: ['bad@school.example'] });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.to).toEqual(['ok@school.example']);
    expect(mail?.text).toContain('http://localhost:3000/signin/abc');
  });
});
