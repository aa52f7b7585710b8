import { type SQL, sql } from 'drizzle-orm';
import { closeDatabase, databaseEngine, openDatabase, rawRows } from '../../server/db/client.ts';
import { VERBS } from '../../server/learning/records.ts';

// After a completion run: everything the server acknowledged must be in the database exactly
// once. Read with plain SQL on a connection of its own (not through the app's queries), so the
// check does not trust the code it checks.

export interface Ack {
  userId: number;
  moduleId: number;
}

export interface EvidenceCheck {
  acknowledged: number;
  found: number; // acknowledged completions with progress, every evidence row and the record
  missingProgress: number;
  missingEvidence: number; // (completion, competency) pairs without their row
  missingRecords: number;
  duplicates: number; // evidence or "completed" records present more than once, anywhere
  missingCertificates: number; // finished courses without a current certificate, anywhere
  completedDuringRun: number; // first completions the server wrote in the window (>= acknowledged)
  integrity: string; // PRAGMA integrity_check on SQLite; 'ok' on PostgreSQL (no such check)
  ok: boolean;
}

const key = (userId: unknown, moduleId: unknown) => `${userId}:${moduleId}`;

export async function checkCompletions(
  database: string,
  acks: Ack[],
  competencies: Map<number, string[]>,
  window?: { from: number; to: number },
): Promise<EvidenceCheck> {
  const db = await openDatabase(database, { poolSize: 2 });
  try {
    const completed = new Set((await rawRows(db, sql`SELECT user_id, module_id FROM module_progress WHERE status = 'completed'`)).map(([u, m]) => key(u, m)));
    const evidenced = new Set((await rawRows(db, sql`SELECT user_id, module_id, competency FROM competency_evidence`)).map(([u, m, c]) => `${key(u, m)}:${c}`));
    const recorded = new Set(
      (await rawRows(db, sql`SELECT user_id, module_id FROM learning_records WHERE verb = ${VERBS.completed} AND module_id IS NOT NULL`)).map(([u, m]) =>
        key(u, m),
      ),
    );
    let found = 0;
    let missingProgress = 0;
    let missingEvidence = 0;
    let missingRecords = 0;
    for (const ack of acks) {
      let complete = true;
      const pair = key(ack.userId, ack.moduleId);
      if (!completed.has(pair)) {
        missingProgress++;
        complete = false;
      }
      for (const code of competencies.get(ack.moduleId) ?? []) {
        if (!evidenced.has(`${pair}:${code}`)) {
          missingEvidence++;
          complete = false;
        }
      }
      if (!recorded.has(pair)) {
        missingRecords++;
        complete = false;
      }
      if (complete) found++;
    }
    const single = async (query: SQL) => Number((await rawRows(db, query))[0]?.[0] ?? 0);
    const duplicateEvidence = await single(
      sql`SELECT count(*) FROM (SELECT 1 FROM competency_evidence GROUP BY user_id, competency, module_id HAVING count(*) > 1) AS d`,
    );
    const duplicateRecords = await single(
      sql`SELECT count(*) FROM (SELECT 1 FROM learning_records WHERE verb = ${VERBS.completed} AND module_id IS NOT NULL GROUP BY user_id, module_id HAVING count(*) > 1) AS d`,
    );
    // A course whose active modules are all completed must have a current certificate.
    const missingCertificates = await single(
      sql`SELECT count(*) FROM enrolments e JOIN courses c ON c.id = e.course_id AND c.certificate
         WHERE (SELECT count(*) FROM modules m WHERE m.course_id = e.course_id AND NOT m.archived)
             = (SELECT count(*) FROM module_progress p JOIN modules m ON m.id = p.module_id
                WHERE p.user_id = e.user_id AND m.course_id = e.course_id AND NOT m.archived AND p.status = 'completed')
           AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.user_id = e.user_id AND x.course_id = e.course_id AND x.replaced_by_code IS NULL)`,
    );
    const completedDuringRun = window
      ? await single(sql`SELECT count(*) FROM module_progress WHERE completed_at >= ${window.from} AND completed_at <= ${window.to}`)
      : 0;
    // SQLite checks its file; PostgreSQL has no such check (its pages carry checksums when the cluster enables them).
    const integrity = databaseEngine(db) === 'sqlite' ? (await rawRows<[string]>(db, sql`PRAGMA integrity_check`)).map((r) => r[0]).join('; ') : 'ok';
    const duplicates = duplicateEvidence + duplicateRecords;
    return {
      acknowledged: acks.length,
      found,
      missingProgress,
      missingEvidence,
      missingRecords,
      duplicates,
      missingCertificates,
      completedDuringRun,
      integrity,
      ok: found === acks.length && duplicates === 0 && missingCertificates === 0 && integrity === 'ok',
    };
  } finally {
    await closeDatabase(db);
  }
}
