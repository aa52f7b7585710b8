import { asc, eq, sql } from 'drizzle-orm';
import { type Db, preparedPerConnection } from '../db/client.ts';
import { competencyEvidence } from '../db/schema.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import type { EvidenceByCode } from '../framework/matrix.ts';

// Read by every dashboard and framework page: prepared once per connection.
const evidenceRows = preparedPerConnection((db) =>
  db
    .select({ competency: competencyEvidence.competency, moduleId: competencyEvidence.moduleId, createdAt: competencyEvidence.createdAt })
    .from(competencyEvidence)
    .where(eq(competencyEvidence.userId, sql.placeholder('userId')))
    .orderBy(asc(competencyEvidence.createdAt), asc(competencyEvidence.id))
    .prepare(),
);

/** A teacher's competency evidence, grouped by code, each with the module that gave it. */
export async function evidenceOfUser(db: Db, userId: number): Promise<EvidenceByCode> {
  const [rows, catalogue] = await Promise.all([evidenceRows(db).execute({ userId }), getCatalogue(db)]);
  const out: EvidenceByCode = new Map();
  for (const row of rows) {
    const found = row.moduleId != null ? catalogue.moduleById(row.moduleId) : undefined;
    const list = out.get(row.competency) ?? [];
    list.push({
      moduleTitle: found?.module.title ?? '—',
      courseTitle: found?.course.title ?? '',
      href: found ? `/courses/${found.course.slug}/${found.module.slug}` : '#',
      at: row.createdAt,
    });
    out.set(row.competency, list);
  }
  return out;
}
