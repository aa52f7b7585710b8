import { asc, eq, inArray, sql } from 'drizzle-orm';
import { type Db, preparedPerConnection } from '../db/client.ts';
import { competencyEvidence, liveSessions, recognitions } from '../db/schema.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import type { EvidenceByCode, EvidenceItem } from '../framework/matrix.ts';

// Read by every dashboard and framework page: prepared once per connection.
const evidenceRows = preparedPerConnection((db) =>
  db
    .select({
      competency: competencyEvidence.competency,
      kind: competencyEvidence.kind,
      moduleId: competencyEvidence.moduleId,
      source: competencyEvidence.source,
      createdAt: competencyEvidence.createdAt,
    })
    .from(competencyEvidence)
    .where(eq(competencyEvidence.userId, sql.placeholder('userId')))
    .orderBy(asc(competencyEvidence.createdAt), asc(competencyEvidence.id))
    .prepare(),
);

const idOf = (source: string, prefix: string) => (source.startsWith(prefix) ? Number(source.slice(prefix.length)) : null);

/** Titles of the live sessions and recognitions behind some evidence (two small queries, only when there are any). */
async function sourceTitles(db: Db, sources: string[]) {
  const sessionIds = sources.flatMap((s) => idOf(s, 'session:') ?? []);
  const recognitionIds = sources.flatMap((s) => idOf(s, 'recognition:') ?? []);
  const [sessions, recognised] = await Promise.all([
    sessionIds.length ? db.select({ id: liveSessions.id, title: liveSessions.title }).from(liveSessions).where(inArray(liveSessions.id, sessionIds)) : [],
    recognitionIds.length
      ? db
          .select({ id: recognitions.id, title: recognitions.title, provider: recognitions.provider })
          .from(recognitions)
          .where(inArray(recognitions.id, recognitionIds))
      : [],
  ]);
  return {
    session: new Map(sessions.map((s) => [s.id, s.title])),
    recognition: new Map(recognised.map((r) => [r.id, `${r.title} (${r.provider})`])),
  };
}

/** A teacher's competency evidence, grouped by code: each piece with its kind, what gave it and where to read about it. */
export async function evidenceOfUser(db: Db, userId: number): Promise<EvidenceByCode> {
  const [rows, catalogue] = await Promise.all([evidenceRows(db).execute({ userId }), getCatalogue(db)]);
  const titles = await sourceTitles(db, [...new Set(rows.map((r) => r.source))]);
  const out: EvidenceByCode = new Map();
  for (const row of rows) {
    const list = out.get(row.competency) ?? [];
    list.push({ kind: row.kind, at: row.createdAt, ...describe(row, catalogue, titles) });
    out.set(row.competency, list);
  }
  return out;
}

function describe(
  row: { kind: string; moduleId: number | null; source: string },
  catalogue: Awaited<ReturnType<typeof getCatalogue>>,
  titles: Awaited<ReturnType<typeof sourceTitles>>,
): Pick<EvidenceItem, 'title' | 'context' | 'href'> {
  const sessionId = idOf(row.source, 'session:');
  if (sessionId !== null) return { title: titles.session.get(sessionId) ?? '—', context: '', href: `/portfolio#session-${sessionId}` };
  const recognitionId = idOf(row.source, 'recognition:');
  if (recognitionId !== null) return { title: titles.recognition.get(recognitionId) ?? '—', context: '', href: `/recognition/${recognitionId}` };
  const found = row.moduleId != null ? catalogue.moduleById(row.moduleId) : undefined;
  if (!found) return { title: '—', context: '', href: '#' };
  const href = `/courses/${found.course.slug}/${found.module.slug}${row.kind === 'assessed' ? '#assignment' : ''}`;
  return { title: found.module.title, context: found.course.title, href };
}
