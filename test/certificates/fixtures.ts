import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { issueCertificate } from '../../server/certificates/issue.ts';
import { publicKeyMultibase, rawPublicKey } from '../../server/certificates/keys.ts';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { certificates, cohortMembers, cohorts, cohortTrainers, enrolments, issuerKeys } from '../../server/db/schema.ts';
import { ORIGIN, PASSWORD, type TestContext } from '../helpers.ts';

export const EN_COURSE = 'ict-primary-education';
export const RU_COURSE = 'arctic-teaching-ict';

export function sampleCourse(ctx: TestContext, slug = EN_COURSE) {
  const course = getCatalogue(ctx.db).course(slug);
  if (!course) throw new Error(`sample course ${slug} is missing`);
  return course;
}

/** What the learning feature does on completion: the completed enrolment and the certificate, in one transaction. */
export function completeCourse(ctx: TestContext, userId: number, slug = EN_COURSE, now = Date.UTC(2025, 2, 5, 10)) {
  const course = sampleCourse(ctx, slug);
  return ctx.db.transaction((tx) => {
    tx.insert(enrolments)
      .values({ userId, courseId: course.id, enrolledAt: now - 86_400_000, completedAt: now, lastActivityAt: now })
      .onConflictDoNothing()
      .run();
    return issueCertificate(tx, { userId, courseId: course.id, issuerName: ctx.config.issuerName, issuerNameRu: ctx.config.issuerNameRu, now });
  });
}

/** Completes a course and returns the new certificate's code (fails the test when none is issued). */
export function certify(ctx: TestContext, userId: number, slug = EN_COURSE, now?: number): string {
  const result = completeCourse(ctx, userId, slug, now);
  if (!result) throw new Error('no certificate issued');
  return result.code;
}

export function certificateRow(ctx: TestContext, code: string) {
  return ctx.db.select().from(certificates).where(eq(certificates.code, code)).get();
}

/** A cohort with one trainer and some members, written directly. */
export function makeCohort(ctx: TestContext, trainerId: number, memberIds: number[]): number {
  const now = Date.now();
  const cohort = ctx.db
    .insert(cohorts)
    .values({ name: 'Tundra schools 2025', startDate: '2025-01-01', createdBy: trainerId, createdAt: now })
    .returning({ id: cohorts.id })
    .get();
  ctx.db.insert(cohortTrainers).values({ cohortId: cohort.id, userId: trainerId }).run();
  for (const userId of memberIds) ctx.db.insert(cohortMembers).values({ cohortId: cohort.id, userId, addedAt: now }).run();
  return cohort.id;
}

/** The session cookie of a signed-in user, to send requests without the agent's Origin header. */
export async function sessionCookie(ctx: TestContext, email: string): Promise<string> {
  const res = await request(ctx.app).post('/login').set('Origin', ORIGIN).type('form').send({ email, password: PASSWORD });
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

/** Stores another issuer key pair, as a key rotation would; returns its key id. */
export function addIssuerKey(ctx: TestContext, createdAt: number): string {
  const pair = crypto.generateKeyPairSync('ed25519');
  const id = publicKeyMultibase(rawPublicKey(pair.publicKey));
  ctx.db
    .insert(issuerKeys)
    .values({
      id,
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      createdAt,
    })
    .run();
  return id;
}
