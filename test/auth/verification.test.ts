// Point 10: a self-registered address is proven by a mailed link; certificates wait for it.
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOneTimeToken, createUser } from '../../server/auth/queries.ts';
import { isVerified } from '../../server/auth/verification.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { type Db, rowObjects } from '../../server/db/client.ts';
import { enrolments, oneTimeTokens, users } from '../../server/db/schema.ts';
import { type CompletionResult, completeModuleInTx } from '../../server/learning/completion.ts';
import { enrolInCourse } from '../../server/learning/enrolment.ts';
import { PASSWORD, type TestContext, agent, createTestApp, makeUser, signedIn, userAgent } from '../helpers.ts';
import { onPostgres } from '../support/database.ts';
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

async function certificateCount(db: Db, userId: number): Promise<number> {
  const [row] = await rowObjects<{ n: number }>(db, sql`SELECT count(*) AS n FROM certificates WHERE user_id = ${userId}`);
  return Number(row?.n);
}

async function unverify(db: Db, userId: number): Promise<void> {
  await db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, userId));
}

/** Makes every insert into certificates fail, as a broken disk or a bug would. */
async function failCertificates(db: Db): Promise<void> {
  if (onPostgres) {
    await rowObjects(db, sql.raw("CREATE FUNCTION no_certificates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$"));
    await rowObjects(db, sql.raw('CREATE TRIGGER no_certificates BEFORE INSERT ON certificates FOR EACH ROW EXECUTE FUNCTION no_certificates()'));
  } else {
    await rowObjects(db, sql.raw("CREATE TRIGGER no_certificates BEFORE INSERT ON certificates BEGIN SELECT RAISE(ABORT, 'no'); END"));
  }
}

/** Completes every module of a course the way the learning routes do (in one transaction). */
async function completeCourse(ctx: TestContext, userId: number, slug = COURSE, modules?: number): Promise<CompletionResult[]> {
  const course = (await getCatalogue(ctx.db)).course(slug)!;
  const learning = { db: ctx.db, baseUrl: ctx.config.baseUrl, issuerName: ctx.config.issuerName };
  return ctx.db.transaction(async (tx) => {
    await enrolInCourse(tx, { userId, course, baseUrl: ctx.config.baseUrl });
    const results: CompletionResult[] = [];
    for (const module of course.modules.slice(0, modules)) results.push(await completeModuleInTx(tx, learning, { userId, course, module, now: Date.now() }));
    return results;
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
    const ctx = await withMail();
    const link = await signUpAndGetLink(ctx, 'vera@school.example');
    const user = (await userByEmail(ctx.db, 'vera@school.example'))!;

    const page = await request(ctx.app).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${link}"`);
    expect(page.text).toContain('Confirm my address');
    expect(await verifiedAt(ctx.db, user.id)).toBeNull();
    expect((await tokenRowsOf(ctx.db, user.id))[0]?.used_at).toBeNull();

    const res = await agent(ctx.app).post(link);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/verify?confirmed=1');
    expect(await verifiedAt(ctx.db, user.id)).toEqual(expect.any(Number));
    const done = await request(ctx.app).get('/verify?confirmed=1');
    expect(done.text).toContain('Your e-mail address is confirmed.');

    const again = await request(ctx.app).get(link);
    expect(again.status).toBe(404);
    expect(again.text).toContain('This confirmation link is not valid');
    await agent(ctx.app).post(link).expect(404);
  });

  it('answers 404 to an expired link, leaving the address unverified', async () => {
    const ctx = await withMail();
    const link = await signUpAndGetLink(ctx, 'late@school.example');
    const user = (await userByEmail(ctx.db, 'late@school.example'))!;
    await ctx.db.update(oneTimeTokens).set({ expiresAt: Date.now() - 1 });
    await request(ctx.app).get(link).expect(404);
    await agent(ctx.app).post(link).expect(404);
    expect(await verifiedAt(ctx.db, user.id)).toBeNull();
  });

  it('does not take a reset token for a verification token', async () => {
    const ctx = await withMail();
    const user = await makeUser(ctx.db);
    await unverify(ctx.db, user.id);
    const token = await createOneTimeToken(ctx.db, 'reset', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(404);
    expect(await verifiedAt(ctx.db, user.id)).toBeNull();
  });
});

describe('the dashboard banner and POST /verify/resend', () => {
  it('asks an unverified person to confirm, resends the link, and stops after three mails an hour', async () => {
    const ctx = await withMail();
    await signUpAndGetLink(ctx, 'rosa@school.example');
    const user = (await userByEmail(ctx.db, 'rosa@school.example'))!;
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
    expect((await tokenRowsOf(ctx.db, user.id)).filter((t) => t.purpose === 'verify')).toHaveLength(3);

    await rosa.post(link).expect(303);
    const after = await rosa.get('/dashboard');
    expect(after.text).not.toContain('Confirm your e-mail address.');
    await rosa.post('/verify/resend').expect(303);
    await settle();
    expect(smtp.messages).toHaveLength(before + 2);
  });

  it('shows no banner without mail, where nothing could prove the address', async () => {
    const ctx = await createTestApp({ courses: false });
    const { user, agent: a } = await userAgent(ctx);
    await unverify(ctx.db, user.id);
    const dashboard = await a.get('/dashboard');
    expect(dashboard.text).not.toContain('Confirm your e-mail address.');
  });

  it('shows no banner to a verified person', async () => {
    const ctx = await withMail();
    const { agent: a } = await userAgent(ctx);
    expect((await a.get('/dashboard')).text).not.toContain('action="/verify/resend"');
  });
});

describe('certificates wait for a verified address', () => {
  it('completing a course while unverified issues no certificate; verifying issues it', async () => {
    const ctx = await withMail();
    const link = await signUpAndGetLink(ctx, 'cert@school.example');
    const user = (await userByEmail(ctx.db, 'cert@school.example'))!;
    const learner = await signedIn(ctx.app, 'cert@school.example');

    // Every module but the last directly; the last through the quiz route, as a learner would.
    const course = (await getCatalogue(ctx.db)).course(COURSE)!;
    await completeCourse(ctx, user.id, COURSE, course.modules.length - 1);
    const last = course.modules.at(-1)!;
    const form = new URLSearchParams();
    for (const q of last.quiz!.questions) for (const o of q.options.filter((x) => x.correct)) form.append(`q.${q.id}`, o.id);
    const quiz = await learner.post(`/courses/${COURSE}/${last.slug}/quiz`).set(PARTIAL).type('form').send(form.toString());
    expect(quiz.status).toBe(200);
    expect(quiz.text).not.toContain('href="/certificates/');
    const [completed] = await rowObjects<{ completed_at: number | null }>(ctx.db, sql`SELECT completed_at FROM enrolments WHERE user_id = ${user.id}`);
    expect(completed?.completed_at).toEqual(expect.any(Number));
    expect(await certificateCount(ctx.db, user.id)).toBe(0);

    await learner.post(link).expect(303);
    expect(await certificateCount(ctx.db, user.id)).toBe(1);
    const [cert] = await rowObjects<{ learner_name: string; issued_at: number }>(
      ctx.db,
      sql`SELECT learner_name, issued_at FROM certificates WHERE user_id = ${user.id}`,
    );
    expect(cert?.learner_name).toBe('Anna Petrova');
    expect(cert?.issued_at).toBe(await verifiedAt(ctx.db, user.id));
    expect((await learner.get('/dashboard')).text).toContain('href="/certificates/');
  });

  it('issues the certificates of every completed course, withdrawn ones too, and only once', async () => {
    const ctx = await withMail();
    const user = await makeUser(ctx.db);
    await unverify(ctx.db, user.id);
    await completeCourse(ctx, user.id, 'ict-primary-education');
    await completeCourse(ctx, user.id, 'arctic-teaching-ict');
    await completeCourse(ctx, user.id, 'media-information-literacy', 1);
    await ctx.db.update(enrolments).set({ status: 'withdrawn' }).where(eq(enrolments.userId, user.id));
    expect(await certificateCount(ctx.db, user.id)).toBe(0);

    const token = await createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(303);
    expect(await certificateCount(ctx.db, user.id)).toBe(2);
    const second = await createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${second}`).expect(303);
    expect(await certificateCount(ctx.db, user.id)).toBe(2);
  });

  it('marks verified and issues in one transaction: a failed issue leaves the address unverified', async () => {
    const ctx = await withMail();
    const user = await makeUser(ctx.db);
    await unverify(ctx.db, user.id);
    await completeCourse(ctx, user.id);
    await failCertificates(ctx.db);
    const token = await createOneTimeToken(ctx.db, 'verify', { userId: user.id, expiresAt: Date.now() + 3600_000 });
    await agent(ctx.app).post(`/verify/${token}`).expect(500);
    expect(await verifiedAt(ctx.db, user.id)).toBeNull();
    expect((await tokenRowsOf(ctx.db, user.id))[0]?.used_at).toBeNull();
  });
});

describe('other ways an address is proven', () => {
  it('a trainer-imported account is verified when its owner sets a password through the sign-in link', async () => {
    const ctx = await createTestApp({ courses: false });
    const { agent: adminAgent } = await userAgent(ctx, { roles: ['admin'] });
    const learnerId = (await createUser(ctx.db, { email: 'imported@school.example', name: 'Ivan Imported', passwordHash: null })) as number;
    expect(await verifiedAt(ctx.db, learnerId)).toBeNull();
    const page = await adminAgent.post(`/admin/users/${learnerId}/signin-link`);
    const link = /value="http:\/\/localhost:3000(\/signin\/[a-z2-7]+)"/.exec(page.text)?.[1] as string;
    await agent(ctx.app).post(link).type('form').send({ password: 'imported passphrase 5' }).expect(303);
    expect(await verifiedAt(ctx.db, learnerId)).toEqual(expect.any(Number));
  });

  it('a reset link mailed to the address verifies it, issuing waiting certificates', async () => {
    const ctx = await withMail();
    const user = await makeUser(ctx.db, { email: 'resetter@school.example' });
    await unverify(ctx.db, user.id);
    await completeCourse(ctx, user.id);
    const before = smtp.messages.length;
    await agent(ctx.app).post('/password-reset').type('form').send({ email: user.email }).expect(303);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    const link = pathOf(linkIn(mail!, `${BASE}/password-reset/`) as string);
    await agent(ctx.app).post(link).type('form').send({ password: 'proven by the mailbox 3' }).expect(303);
    expect(await verifiedAt(ctx.db, user.id)).toEqual(expect.any(Number));
    expect(await certificateCount(ctx.db, user.id)).toBe(1);
  });
});
