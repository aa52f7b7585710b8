import { and, asc, desc, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { certificates, competencyEvidence, courses, issuerKeys, moduleCompetencies, modules, users } from '../db/schema.ts';

// The only file of the feature that touches drizzle.

export type CertificateRow = typeof certificates.$inferSelect;
export type NewCertificate = typeof certificates.$inferInsert;
export type IssuerKeyRow = typeof issuerKeys.$inferSelect;

export interface UserCertificate {
  code: string;
  courseTitle: string;
  issuedAt: number;
  revokedAt: number | null;
}

export async function findUserName(db: DbOrTx, userId: number): Promise<string | undefined> {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.name;
}

export async function findCourse(db: DbOrTx, courseId: number) {
  const [row] = await db
    .select({ id: courses.id, slug: courses.slug, title: courses.title, language: courses.language, hours: courses.hours, certificate: courses.certificate })
    .from(courses)
    .where(eq(courses.id, courseId))
    .limit(1);
  return row;
}

export async function findCourseSlug(db: DbOrTx, courseId: number): Promise<string | undefined> {
  const [row] = await db.select({ slug: courses.slug }).from(courses).where(eq(courses.id, courseId)).limit(1);
  return row?.slug;
}

/** Distinct competency codes of the course's active modules (unordered: the caller sorts). */
export async function courseCompetencyCodes(db: DbOrTx, courseId: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ code: moduleCompetencies.competency })
    .from(moduleCompetencies)
    .innerJoin(modules, eq(modules.id, moduleCompetencies.moduleId))
    .where(and(eq(modules.courseId, courseId), eq(modules.archived, false)));
  return rows.map((r) => r.code);
}

export async function findCurrentCertificate(db: DbOrTx, userId: number, courseId: number): Promise<CertificateRow | undefined> {
  const [row] = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.userId, userId), eq(certificates.courseId, courseId), isNull(certificates.replacedByCode)))
    .limit(1);
  return row;
}

export async function findCertificate(db: DbOrTx, code: string): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(eq(certificates.code, code)).limit(1);
  return row;
}

export async function codeExists(db: DbOrTx, code: string): Promise<boolean> {
  const [row] = await db.select({ id: certificates.id }).from(certificates).where(eq(certificates.code, code)).limit(1);
  return !!row;
}

export async function insertCertificate(db: DbOrTx, row: NewCertificate): Promise<void> {
  await db.insert(certificates).values(row);
}

/** Sets the revocation once; returns false when the certificate was already revoked (or is unknown). */
export async function markRevoked(db: DbOrTx, code: string, reason: string, now: number): Promise<boolean> {
  const changed = await db
    .update(certificates)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(certificates.code, code), isNull(certificates.revokedAt)))
    .returning({ id: certificates.id });
  return changed.length > 0;
}

export async function markReplaced(db: DbOrTx, code: string, newCode: string): Promise<boolean> {
  const changed = await db
    .update(certificates)
    .set({ replacedByCode: newCode })
    .where(and(eq(certificates.code, code), isNull(certificates.replacedByCode)))
    .returning({ id: certificates.id });
  return changed.length > 0;
}

/** The learner's current certificates (replaced ones are left out), newest first: the dashboard lists these. */
// On every dashboard: prepared once per connection.
const userCertificates = preparedPerConnection((db) =>
  db
    .select({ code: certificates.code, courseTitle: certificates.courseTitle, issuedAt: certificates.issuedAt, revokedAt: certificates.revokedAt })
    .from(certificates)
    .where(and(eq(certificates.userId, sql.placeholder('userId')), isNull(certificates.replacedByCode)))
    .orderBy(desc(certificates.issuedAt), desc(certificates.id))
    .prepare(),
);

export async function certificatesOfUser(db: DbOrTx, userId: number): Promise<UserCertificate[]> {
  return userCertificates(db).execute({ userId });
}

export async function listIssuerKeys(db: Db): Promise<IssuerKeyRow[]> {
  return db.select().from(issuerKeys).orderBy(asc(issuerKeys.createdAt), asc(issuerKeys.id));
}

export async function findIssuerKey(db: Db, id: string): Promise<IssuerKeyRow | undefined> {
  const [row] = await db.select().from(issuerKeys).where(eq(issuerKeys.id, id)).limit(1);
  return row;
}

// Read on every signature (credentials, status lists, the verification page): prepared once per connection.
const newestKey = preparedPerConnection((db) =>
  db.select({ id: issuerKeys.id }).from(issuerKeys).orderBy(desc(issuerKeys.createdAt), desc(issuerKeys.id)).limit(1).prepare(),
);

/** The id of the newest issuer key (the one new proofs are signed with), undefined while there is none. */
export async function newestIssuerKeyId(db: Db): Promise<string | undefined> {
  const [row] = await newestKey(db).execute();
  return row?.id;
}

/**
 * Stores the first issuer key, made by `make`, unless a key exists by then. The check and the
 * insert share one transaction: SQLite runs one at a time, and on PostgreSQL two instances doing
 * this at once collide (SERIALIZABLE) and the loser, retried, finds the winner's key.
 */
export async function insertFirstIssuerKey(db: Db, make: () => IssuerKeyRow): Promise<void> {
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: issuerKeys.id }).from(issuerKeys).limit(1);
    if (existing) return;
    await tx.insert(issuerKeys).values(make()).onConflictDoNothing();
  });
}

/** Certificates with id in [fromId, toId) that were revoked: the set bits of one status list. */
export async function revokedInRange(db: DbOrTx, fromId: number, toId: number): Promise<{ id: number; revokedAt: number }[]> {
  return db
    .select({ id: certificates.id, revokedAt: sql<number>`${certificates.revokedAt}` })
    .from(certificates)
    .where(and(gte(certificates.id, fromId), lt(certificates.id, toId), isNotNull(certificates.revokedAt)));
}

/** Whether any certificate falls in [fromId, toId): only such status lists exist. */
export async function anyCertificateInRange(db: DbOrTx, fromId: number, toId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(gte(certificates.id, fromId), lt(certificates.id, toId)))
    .limit(1);
  return !!row;
}

/** The kinds of evidence a teacher holds for some competencies from one course's modules (quiz and assessed work). */
export async function courseEvidenceKinds(db: DbOrTx, userId: number, courseId: number) {
  return db
    .selectDistinct({ competency: competencyEvidence.competency, kind: competencyEvidence.kind })
    .from(competencyEvidence)
    .where(and(eq(competencyEvidence.userId, userId), eq(competencyEvidence.courseId, courseId)));
}
