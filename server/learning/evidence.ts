import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { competencyEvidence } from '../db/schema.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import type { EvidenceByCode } from '../framework/matrix.ts';

/** A teacher's competency evidence, grouped by code, each with the module that gave it. */
export function evidenceOfUser(db: Db, userId: number): EvidenceByCode {
  const rows = db
    .select({ competency: competencyEvidence.competency, moduleId: competencyEvidence.moduleId, createdAt: competencyEvidence.createdAt })
    .from(competencyEvidence)
    .where(eq(competencyEvidence.userId, userId))
    .orderBy(asc(competencyEvidence.createdAt))
    .all();
  const catalogue = getCatalogue(db);
  const out: EvidenceByCode = new Map();
  for (const row of rows) {
    const found = catalogue.moduleById(row.moduleId);
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
