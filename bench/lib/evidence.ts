import Database from 'better-sqlite3';
import { VERBS } from '../../server/learning/records.ts';

// After a completion run: everything the server acknowledged must be in the database exactly
// once. Read straight from the file with SQL (not through the app), so the check does not
// trust the code it checks.

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
  integrity: string; // PRAGMA integrity_check
  ok: boolean;
}

export function checkCompletions(databasePath: string, acks: Ack[], competencies: Map<number, string[]>, window?: { from: number; to: number }): EvidenceCheck {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const progress = db.prepare('SELECT status FROM module_progress WHERE user_id = ? AND module_id = ?').pluck();
    const evidence = db.prepare('SELECT competency, count(*) AS n FROM competency_evidence WHERE user_id = ? AND module_id = ? GROUP BY competency');
    const records = db.prepare('SELECT count(*) FROM learning_records WHERE user_id = ? AND module_id = ? AND verb = ?').pluck();
    let found = 0;
    let missingProgress = 0;
    let missingEvidence = 0;
    let missingRecords = 0;
    for (const ack of acks) {
      let complete = true;
      if (progress.get(ack.userId, ack.moduleId) !== 'completed') {
        missingProgress++;
        complete = false;
      }
      const rows = new Map((evidence.all(ack.userId, ack.moduleId) as { competency: string; n: number }[]).map((r) => [r.competency, r.n]));
      for (const code of competencies.get(ack.moduleId) ?? []) {
        if (!rows.has(code)) {
          missingEvidence++;
          complete = false;
        }
      }
      if ((records.get(ack.userId, ack.moduleId, VERBS.completed) as number) < 1) {
        missingRecords++;
        complete = false;
      }
      if (complete) found++;
    }
    const duplicateEvidence = db
      .prepare('SELECT count(*) FROM (SELECT 1 FROM competency_evidence GROUP BY user_id, competency, module_id HAVING count(*) > 1)')
      .pluck()
      .get() as number;
    const duplicateRecords = db
      .prepare('SELECT count(*) FROM (SELECT 1 FROM learning_records WHERE verb = ? AND module_id IS NOT NULL GROUP BY user_id, module_id HAVING count(*) > 1)')
      .pluck()
      .get(VERBS.completed) as number;
    // A course whose active modules are all completed must have a current certificate.
    const missingCertificates = db
      .prepare(
        `SELECT count(*) FROM enrolments e JOIN courses c ON c.id = e.course_id AND c.certificate = 1
         WHERE (SELECT count(*) FROM modules m WHERE m.course_id = e.course_id AND m.archived = 0)
             = (SELECT count(*) FROM module_progress p JOIN modules m ON m.id = p.module_id
                WHERE p.user_id = e.user_id AND m.course_id = e.course_id AND m.archived = 0 AND p.status = 'completed')
           AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.user_id = e.user_id AND x.course_id = e.course_id AND x.replaced_by_code IS NULL)`,
      )
      .pluck()
      .get() as number;
    const completedDuringRun = window
      ? (db.prepare('SELECT count(*) FROM module_progress WHERE completed_at >= ? AND completed_at <= ?').pluck().get(window.from, window.to) as number)
      : 0;
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
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
    db.close();
  }
}
