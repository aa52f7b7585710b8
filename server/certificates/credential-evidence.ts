import { getCatalogue } from '../courses/catalogue.ts';
import { rubricMaximum } from '../courses/package-schema.ts';
import type { Db } from '../db/client.ts';
import { standingOf } from '../evidence/rule.ts';
import { type CertificateRow, courseEvidenceKinds, sharedAssessedWork } from './queries.ts';

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
  const [kinds, work, catalogue] = await Promise.all([
    courseEvidenceKinds(db, cert.userId, cert.courseId),
    sharedAssessedWork(db, cert.userId, cert.courseId, submissionId),
    getCatalogue(db),
  ]);
  const standings = cert.competencies.map((code) => ({
    code,
    standing: standingOf(
      code,
      kinds.filter((k) => k.competency === code).map((k) => k.kind),
    ),
  }));
  const shared = work.flatMap((w): SharedWork[] => {
    const assignment = catalogue.moduleById(w.moduleId)?.module.assignment;
    if (!assignment) return [];
    return [
      {
        ...w,
        moduleTitle: catalogue.moduleById(w.moduleId)?.module.title ?? '',
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
