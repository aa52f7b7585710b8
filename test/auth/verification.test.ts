// Point 10: a self-registered address is proven by a mailed link; certificates wait for it.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOneTimeToken, createUser } from '../../server/auth/queries.ts';
import { isVerified } from '../../server/auth/verification.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import type { Db } from '../../server/db/client.ts';
import { completeModuleInTx } from '../../server/learning/completion.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { PASSWORD, type TestContext, agent, createTestApp, makeUser, signedIn, userAgent } from '../helpers.ts';
import { type TestSmtp, linkIn, startSmtp } from '../support/smtp.ts';
import { pathOf, settle, signupForm, tokenRowsOf, userByEmail, verifiedAt } from './support.ts';

const BASE = 'http://localhost:3000';
const PARTIAL = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };
const COURSE = 'ict-primary-education';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

const withMail = () => createTestApp({ env: { SMTP_URL: smtp.url } });

function certificateCount(db: Db, userId: number): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM certificates WHERE user_id = ?').get(userId) as { n: number }).n;
}

function unverify(db: Db, userId: number): void {
  db.$client.prepare('UPDATE users SET email_verified_at = NULL WHERE id = ?').run(userId);
}

/** Completes every module of a course the way the learning routes do (in one transaction). */
function completeCourse(ctx: TestContext, userId: number, slug = COURSE, modules?: number) {
  const course = getCatalogue(ctx.db).course(slug)!;
  const learning = { db: ctx.db, baseUrl: ctx.config.baseUrl, issuerName: ctx.config.issuerName };
  return ctx.db.transaction((tx) => {
    enrolInCourse(tx, { userId, course, baseUrl: ctx.config.baseUrl });
    return course.modules.slice(0, modules).map((module) => completeModuleInTx(tx, learning, { userId, course, module, now: Date.now() }));
  });
}

/** Signs up through the form and returns the verification link from the mail (as a path). */
async function signUpAndGetLink(ctx: TestContext, email: string): Promise<string> {
  const before = smtp.messages.length;
  await agent(ctx.app)
    .post('/signup')
    .type('form')
    .send(signupForm({ email, password: PASSWORD }))
    .expect(303);
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  return pathOf(linkIn(mail!, `${BASE}/verify/`) as string);
}

describe('isVerified', () => {
  it('reads emailVerifiedAt', () => {
    expect(isVerified({ emailVerifiedAt: null })).toBe(false);
    expect(isVerified({ emailVerifiedAt: 1 })).toBe(true);
  });
});

describe('GET and POST /verify/:token', () => {
  it('shows a confirm button on GET (changing nothing), and verifies on POST, once', async () => {
    const ctx = withMail();
    const link = await signUpAndGetLink(ctx, 'vera@school.example');
    const user = userByEmail(ctx.db, 'vera@school.example')!;

    const page = await request(ctx.app).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${link}"`);
    expect(page.text).toContain('Confirm my address');
    expect(verifiedAt(ctx.db, user.id)).toBeNull();
    expect(tokenRowsOf(ctx.db, user.id)[0]?.used_at).toBeNull();

    const res = await agent(ctx.app).post(link);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/verify?confirmed=1');
    expect(verifiedAt(ctx.db, user.id)).toEqual(expect.any(Number));
    const done = await request(ctx.app).get('/verify?confirmed=1');
    expect(done.text).toContain('Your e-mail address is confirmed.');

    const again = await request(ctx.app).get(link);
    expect(again.status).toBe(404);
    expect(again.text).toContain('This confirmation link is not valid');
    await agent(ctx.app).post(link).expect(404);
  });

  it('answers 404 to an expired link, leaving the address unverified', async () => {
    const ctx = withMail();
    const link = await signUpAndGetLink(ctx, 'late@school.example');
    const user = userByEmail(ctx.db, 'late@school.example')!;
    ctx.db.$client.prepare('UPDATE one_time_tokens SET expires_at = ?').run(Date.now() - 1);
    await request(ctx.app).get(link).expect(404);
    await agent(ctx.app).post(link).expect(404);
    expect(verifiedAt(ctx.db, user.id)).toBeNull();
  });

  it('does not take a reset token for a verification token', async () => {
    const ctx = withMail();
    const user = await makeUser(ctx.db);
    unverify(ctx.db, user.id);
    const token = createOneTimeToken(ctx.db, 'reset', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(404);
    expect(verifiedAt(ctx.db, user.id)).toBeNull();
  });
});

describe('the dashboard banner and POST /verify/resend', () => {
  it('asks an unverified person to confirm, resends the link, and stops after three mails an hour', async () => {
    const ctx = withMail();
    await signUpAndGetLink(ctx, 'rosa@school.example');
    const user = userByEmail(ctx.db, 'rosa@school.example')!;
    const rosa = await signedIn(ctx.app, 'rosa@school.example');

    const dashboard = await rosa.get('/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Confirm your e-mail address.');
    expect(dashboard.text).toContain('action="/verify/resend"');

    const before = smtp.messages.length;
    const res = await rosa.post('/verify/resend');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/verify?notice=sent');
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.to).toEqual(['rosa@school.example']);
    const link = pathOf(linkIn(mail!, `${BASE}/verify/`) as string);
    expect((await rosa.get('/verify?notice=sent')).text).toContain('A new link is on its way.');

    // Sign-up sent one, this made two; one more is allowed within the hour, then none.
    await rosa.post('/verify/resend').expect(303);
    const refused = await rosa.post('/verify/resend');
    expect(refused.headers.location).toBe('/verify?notice=notSent');
    await smtp.waitFor(before + 2);
    await settle();
    expect(smtp.messages).toHaveLength(before + 2);
    expect(tokenRowsOf(ctx.db, user.id).filter((t) => t.purpose === 'verify')).toHaveLength(3);

    await rosa.post(link).expect(303);
    const after = await rosa.get('/dashboard');
    expect(after.text).not.toContain('Confirm your e-mail address.');
    await rosa.post('/verify/resend').expect(303);
    await settle();
    expect(smtp.messages).toHaveLength(before + 2);
  });

  it('shows no banner without mail, where nothing could prove the address', async () => {
    const ctx = createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    unverify(ctx.db, user.id);
    const dashboard = await a.get('/dashboard');
    expect(dashboard.text).not.toContain('Confirm your e-mail address.');
  });

  it('shows no banner to a verified person', async () => {
    const ctx = withMail();
    const { agent: a } = await userAgent(ctx);
    expect((await a.get('/dashboard')).text).not.toContain('action="/verify/resend"');
  });
});

describe('certificates wait for a verified address', () => {
  it('completing a course while unverified issues no certificate; verifying issues it', async () => {
    const ctx = withMail();
    const link = await signUpAndGetLink(ctx, 'cert@school.example');
    const user = userByEmail(ctx.db, 'cert@school.example')!;
    const learner = await signedIn(ctx.app, 'cert@school.example');

    // Every module but the last directly; the last through the quiz route, as a learner would.
    const course = getCatalogue(ctx.db).course(COURSE)!;
    completeCourse(ctx, user.id, COURSE, course.modules.length - 1);
    const last = course.modules.at(-1)!;
    const form = new URLSearchParams();
    for (const q of last.quiz!.questions) for (const o of q.options.filter((x) => x.correct)) form.append(`q.${q.id}`, o.id);
    const quiz = await learner.post(`/courses/${COURSE}/${last.slug}/quiz`).set(PARTIAL).type('form').send(form.toString());
    expect(quiz.status).toBe(200);
    expect(quiz.text).not.toContain('href="/certificates/');
    const completed = ctx.db.$client.prepare('SELECT completed_at FROM enrolments WHERE user_id = ?').get(user.id) as { completed_at: number | null };
    expect(completed.completed_at).toEqual(expect.any(Number));
    expect(certificateCount(ctx.db, user.id)).toBe(0);

    await learner.post(link).expect(303);
    expect(certificateCount(ctx.db, user.id)).toBe(1);
    const cert = ctx.db.$client.prepare('SELECT learner_name, issued_at FROM certificates WHERE user_id = ?').get(user.id) as {
      learner_name: string;
      issued_at: number;
    };
    expect(cert.learner_name).toBe('Anna Petrova');
    expect(cert.issued_at).toBe(verifiedAt(ctx.db, user.id));
    expect((await learner.get('/dashboard')).text).toContain('href="/certificates/');
  });

  it('issues the certificates of every completed course, withdrawn ones too, and only once', async () => {
    const ctx = withMail();
    const user = await makeUser(ctx.db);
    unverify(ctx.db, user.id);
    completeCourse(ctx, user.id, 'ict-primary-education');
    completeCourse(ctx, user.id, 'arctic-teaching-ict');
    completeCourse(ctx, user.id, 'media-information-literacy', 1);
    ctx.db.$client.prepare("UPDATE enrolments SET status = 'withdrawn' WHERE user_id = ?").run(user.id);
    expect(certificateCount(ctx.db, user.id)).toBe(0);

    const token = createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(303);
    expect(certificateCount(ctx.db, user.id)).toBe(2);
    const second = createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${second}`).expect(303);
    expect(certificateCount(ctx.db, user.id)).toBe(2);
  });

  it('marks verified and issues in one transaction: a failed issue leaves the address unverified', async () => {
    const ctx = withMail();
    const user = await makeUser(ctx.db);
    unverify(ctx.db, user.id);
    completeCourse(ctx, user.id);
    ctx.db.$client.exec("CREATE TRIGGER no_certificates BEFORE INSERT ON certificates BEGIN SELECT RAISE(ABORT, 'no'); END");
    const token = createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(500);
    expect(verifiedAt(ctx.db, user.id)).toBeNull();
    expect(tokenRowsOf(ctx.db, user.id)[0]?.used_at).toBeNull();
  });
});

describe('other ways an address is proven', () => {
  it('a trainer-imported account is verified when its owner sets a password through the sign-in link', async () => {
    const ctx = createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const learnerId = createUser(ctx.db, { email: 'imported@school.example', name: 'Ivan Imported', passwordHash: null }) as number;
    expect(verifiedAt(ctx.db, learnerId)).toBeNull();
    const page = await adminAgent.post(`/admin/users/${learnerId}/signin-link`);
    const link = /value="http:\/\/localhost:3000(\/signin\/[a-z2-7]+)"/.exec(page.text)?.[1] as string;
    await agent(ctx.app).post(link).type('form').send({ password: 'imported passphrase 5' }).expect(303);
    expect(verifiedAt(ctx.db, learnerId)).toEqual(expect.any(Number));
  });

  it('a reset link mailed to the address verifies it, issuing waiting certificates', async () => {
    const ctx = withMail();
    const user = await makeUser(ctx.db, { email: 'resetter@school.example' });
    unverify(ctx.db, user.id);
    completeCourse(ctx, user.id);
    const before = smtp.messages.length;
    await agent(ctx.app).post('/password-reset').type('form').send({ email: user.email }).expect(303);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const link = pathOf(linkIn(mail!, `${BASE}/password-reset/`) as string);
    await agent(ctx.app).post(link).type('form').send({ password: 'proven by the mailbox 3' }).expect(303);
    expect(verifiedAt(ctx.db, user.id)).toEqual(expect.any(Number));
    expect(certificateCount(ctx.db, user.id)).toBe(1);
  });
});
