import { and, asc, desc, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, preparedPerConnection } from '../db/client.ts';
import { certificates, courses, issuerKeys, moduleCompetencies, modules, users } from '../db/schema.ts';

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

export function findUserName(db: DbOrTx, userId: number): string | undefined {
  return db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()?.name;
}

export function findCourse(db: DbOrTx, courseId: number) {
  return db
    .select({ id: courses.id, slug: courses.slug, title: courses.title, language: courses.language, hours: courses.hours, certificate: courses.certificate })
    .from(courses)
    .where(eq(courses.id, courseId))
    .get();
}

export function findCourseSlug(db: DbOrTx, courseId: number): string | undefined {
  return db.select({ slug: courses.slug }).from(courses).where(eq(courses.id, courseId)).get()?.slug;
}

/** Distinct competency codes of the course's active modules (unordered: the caller sorts). */
export function courseCompetencyCodes(db: DbOrTx, courseId: number): string[] {
  return db
    .selectDistinct({ code: moduleCompetencies.competency })
    .from(moduleCompetencies)
    .innerJoin(modules, eq(modules.id, moduleCompetencies.moduleId))
    .where(and(eq(modules.courseId, courseId), eq(modules.archived, false)))
    .all()
    .map((r) => r.code);
}

export function findCurrentCertificate(db: DbOrTx, userId: number, courseId: number): CertificateRow | undefined {
  return db
    .select()
    .from(certificates)
    .where(and(eq(certificates.userId, userId), eq(certificates.courseId, courseId), isNull(certificates.replacedByCode)))
    .get();
}

export function findCertificate(db: DbOrTx, code: string): CertificateRow | undefined {
  return db.select().from(certificates).where(eq(certificates.code, code)).get();
}

export function codeExists(db: DbOrTx, code: string): boolean {
  return !!db.select({ id: certificates.id }).from(certificates).where(eq(certificates.code, code)).get();
}

export function insertCertificate(db: DbOrTx, row: NewCertificate): void {
  db.insert(certificates).values(row).run();
}

/** Sets the revocation once; returns false when the certificate was already revoked (or is unknown). */
export function markRevoked(db: DbOrTx, code: string, reason: string, now: number): boolean {
  const result = db
    .update(certificates)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(certificates.code, code), isNull(certificates.revokedAt)))
    .run();
  return result.changes > 0;
}

export function markReplaced(db: DbOrTx, code: string, newCode: string): boolean {
  const result = db
    .update(certificates)
    .set({ replacedByCode: newCode })
    .where(and(eq(certificates.code, code), isNull(certificates.replacedByCode)))
    .run();
  return result.changes > 0;
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

export function certificatesOfUser(db: DbOrTx, userId: number): UserCertificate[] {
  return userCertificates(db).all({ userId });
}

export function listIssuerKeys(db: Db): IssuerKeyRow[] {
  return db.select().from(issuerKeys).orderBy(asc(issuerKeys.createdAt), asc(issuerKeys.id)).all();
}

export function findIssuerKey(db: Db, id: string): IssuerKeyRow | undefined {
  return db.select().from(issuerKeys).where(eq(issuerKeys.id, id)).get();
}

export function insertIssuerKey(db: Db, row: IssuerKeyRow): void {
  db.insert(issuerKeys).values(row).onConflictDoNothing().run();
}

/** Certificates with id in [fromId, toId) that were revoked: the set bits of one status list. */
export function revokedInRange(db: DbOrTx, fromId: number, toId: number): { id: number; revokedAt: number }[] {
  return db
    .select({ id: certificates.id, revokedAt: sql<number>`${certificates.revokedAt}` })
    .from(certificates)
    .where(and(gte(certificates.id, fromId), lt(certificates.id, toId), isNotNull(certificates.revokedAt)))
    .all();
}

/** Whether any certificate falls in [fromId, toId): only such status lists exist. */
export function anyCertificateInRange(db: DbOrTx, fromId: number, toId: number): boolean {
  return !!db
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(gte(certificates.id, fromId), lt(certificates.id, toId)))
    .limit(1)
    .get();
}
