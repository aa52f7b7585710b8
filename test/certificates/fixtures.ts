import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { issueCertificate } from '../../server/certificates/issue.ts';
import { publicKeyMultibase, rawPublicKey } from '../../server/certificates/keys.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { assessments, certificates, cohortMembers, cohorts, cohortTrainers, enrolments, issuerKeys, submissions } from '../../server/db/schema.ts';
import { addEvidence } from '../../server/learning/queries.ts';
import { makeUser } from '../helpers.ts';
import { ORIGIN, PASSWORD, type TestContext } from '../helpers.ts';

export const EN_COURSE = 'ict-primary-education';
export const RU_COURSE = 'arctic-teaching-ict';

export async function sampleCourse(ctx: TestContext, slug = EN_COURSE) {
  const course = (await getCatalogue(ctx.db)).course(slug);
  if (!course) throw new Error(`sample course ${slug} is missing`);
  return course;
}

/** What the learning feature does on completion: the completed enrolment and the certificate, in one transaction. */
export async function completeCourse(ctx: TestContext, userId: number, slug = EN_COURSE, now = Date.UTC(2025, 2, 5, 10)) {
  const course = await sampleCourse(ctx, slug);
  return ctx.db.transaction(async (tx) => {
    await tx
      .insert(enrolments)
      .values({ userId, courseId: course.id, enrolledAt: now - 86_400_000, completedAt: now, lastActivityAt: now })
      .onConflictDoNothing();
    return issueCertificate(tx, { userId, courseId: course.id, issuerName: ctx.config.issuerName, issuerNameRu: ctx.config.issuerNameRu, now });
  });
}

/** Completes a course and returns the new certificate's code (fails the test when none is issued). */
export async function certify(ctx: TestContext, userId: number, slug = EN_COURSE, now?: number): Promise<string> {
  const result = await completeCourse(ctx, userId, slug, now);
  if (!result) throw new Error('no certificate issued');
  return result.code;
}

export async function certificateRow(ctx: TestContext, code: string) {
  const [row] = await ctx.db.select().from(certificates).where(eq(certificates.code, code)).limit(1);
  return row;
}

/** A cohort with one trainer and some members, written directly. */
export async function makeCohort(ctx: TestContext, trainerId: number, memberIds: number[]): Promise<number> {
  const now = Date.now();
  const [cohort] = await ctx.db
    .insert(cohorts)
    .values({ name: 'Tundra schools 2025', startDate: '2025-01-01', createdBy: trainerId, createdAt: now })
    .returning({ id: cohorts.id });
  if (!cohort) throw new Error('no cohort inserted');
  await ctx.db.insert(cohortTrainers).values({ cohortId: cohort.id, userId: trainerId });
  for (const userId of memberIds) await ctx.db.insert(cohortMembers).values({ cohortId: cohort.id, userId, addedAt: now });
  return cohort.id;
}

/** The session cookie of a signed-in user, to send requests without the agent's Origin header. */
export async function sessionCookie(ctx: TestContext, email: string): Promise<string> {
  const res = await request(ctx.app).post('/login').set('Origin', ORIGIN).type('form').send({ email, password: PASSWORD });
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

/** Stores another issuer key pair, as a key rotation would; returns its key id. */
export async function addIssuerKey(ctx: TestContext, createdAt: number): Promise<string> {
  const pair = crypto.generateKeyPairSync('ed25519');
  const id = publicKeyMultibase(rawPublicKey(pair.publicKey));
  await ctx.db.insert(issuerKeys).values({
    id,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt,
  });
  return id;
}

/**
 * The evidence of a course taken in full: quiz evidence from every module, and for the first module
 * with an assignment a passed submission (shared in credentials when `shared`), its assessment by a
 * trainer, and the assessed evidence it wrote. Returns the submission's id.
 */
export async function courseEvidence(ctx: TestContext, userId: number, slug = EN_COURSE, { shared = true, now = Date.UTC(2025, 2, 4) } = {}) {
  const course = await sampleCourse(ctx, slug);
  for (const m of course.modules) {
    await addEvidence(ctx.db, { userId, competencies: m.competencies, kind: 'quiz', source: `module:${m.id}`, moduleId: m.id, courseId: course.id, now });
  }
  const module = course.modules.find((m) => m.assignment)!;
  const assignment = module.assignment!;
  const trainer = await makeUser(ctx.db, { name: 'Trainer Tove', roles: ['trainer'] });
  const [submission] = await ctx.db
    .insert(submissions)
    .values({
      userId,
      moduleId: module.id,
      courseId: course.id,
      version: 1,
      text: 'My lesson plan\n<b>for a day offline</b>',
      status: 'passed',
      shared,
      submittedAt: now,
    })
    .returning({ id: submissions.id });
  const scores = Object.fromEntries(assignment.rubric.criteria.map((c) => [c.id, Math.max(...c.levels.map((l) => l.points))]));
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  await ctx.db
    .insert(assessments)
    .values({ submissionId: submission!.id, assessorId: trainer.id, scores, total, passed: true, feedback: 'Private feedback', createdAt: now + 3600_000 });
  await addEvidence(ctx.db, {
    userId,
    competencies: assignment.competencies,
    kind: 'assessed',
    source: `assignment:${module.id}`,
    moduleId: module.id,
    courseId: course.id,
    assessorId: trainer.id,
    now: now + 3600_000,
  });
  return { submissionId: submission!.id, module, assignment, total };
}
