import { getCatalogue } from '../courses/catalogue.ts';
import { rubricMaximum } from '../courses/package-schema.ts';
import type { Db } from '../db/client.ts';
import { standingOf } from '../evidence/rule.ts';
import { type CertificateRow, courseEvidenceKinds } from './queries.ts';
import { versionsOf } from '../assignments/queries.ts';

// What a certificate's credential says beyond the course: for each of its competencies, whether the
// course's evidence demonstrated it or checked knowledge only (the deployment's rule decides), and
// the assessed work the teacher chose to share. Read on each request, so a later assessment or a
// change of mind about sharing shows in the next download.

export interface SharedWork {
  submissionId: number;
  moduleTitle: string;
  assignmentTitle: string;
  total: number;
  max: number;
  threshold: number;
  assessorName: string;
  assessedAt: number;
  scores: Record<string, number>;
  criteria: { id: string; title: string; levels: { points: number; label: string }[] }[];
  text: string | null;
  url: string | null;
  fileId: number | null;
  version: number;
  feedback: string;
}

export interface CredentialEvidence {
  /** cert.competencies order; 'none' when the course left no evidence of it (a module since removed). */
  standings: { code: string; standing: 'demonstrated' | 'checked' | 'none' }[];
  shared: SharedWork[];
}

export async function credentialEvidence(db: Db, cert: CertificateRow, submissionId?: number): Promise<CredentialEvidence> {
  const [kinds, versions, catalogue] = await Promise.all([courseEvidenceKinds(db, cert.userId, cert.courseId), versionsOf(db, cert.userId), getCatalogue(db)]);
  const work = versions.filter(
    (v) => v.courseId === cert.courseId && v.status === 'passed' && v.shared && v.assessment && (submissionId === undefined || v.id === submissionId),
  );
  const standings = cert.competencies.map((code) => ({
    code,
    standing: standingOf(
      code,
      kinds.filter((k) => k.competency === code).map((k) => k.kind),
    ),
  }));
  const shared = work.flatMap((w): SharedWork[] => {
    const found = catalogue.moduleById(w.moduleId);
    const assignment = found?.module.assignment;
    if (!assignment || !w.assessment) return [];
    return [
      {
        submissionId: w.id,
        version: w.version,
        text: w.text,
        url: w.url,
        fileId: w.fileId,
        scores: w.assessment.scores,
        total: w.assessment.total,
        feedback: w.assessment.feedback,
        assessorName: w.assessment.assessorName,
        assessedAt: w.assessment.createdAt,
        moduleTitle: found.module.title,
        assignmentTitle: assignment.title,
        max: rubricMaximum(assignment.rubric.criteria),
        threshold: assignment.rubric.threshold,
        criteria: assignment.rubric.criteria,
      },
    ];
  });
  return { standings, shared };
}

/** What the signed credential depends on besides the certificate row: part of its cache key. */
export function evidenceFingerprint(evidence: CredentialEvidence): string {
  return `${evidence.standings.map((s) => s.standing[0]).join('')}:${evidence.shared.map((s) => s.submissionId).join(',')}`;
}
