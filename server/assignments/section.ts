import type { CatalogueModule } from '../courses/catalogue.ts';
import { rubricMaximum } from '../courses/package-schema.ts';
import type { DbOrTx } from '../db/client.ts';
import type { Assignment, SubmissionStatus } from '../db/schema.ts';
import { ACCEPT_ATTRIBUTE } from '../files/types.ts';
import { newSubmissionKey } from '../learning/module-page.ts';
import { type SubmissionVersion, versionsOf } from './queries.ts';
import type { HandInErrors, HandInValues } from './schemas.ts';

/** What views/assignments/_section.ejs renders. */
export interface AssignmentSection {
  assignment: Assignment;
  /** The highest total the rubric allows (every criterion at its top level). */
  maxPoints: number;
  signedIn: boolean;
  enrolled: boolean;
  /** The newest version's status; 'none' before the first hand-in. */
  status: 'none' | SubmissionStatus;
  versions: SubmissionVersion[];
  /** Whether the form shows: enrolled, and nothing waiting or passed. */
  canHandIn: boolean;
  values: HandInValues;
  errors: HandInErrors;
  submissionKey: string;
  /** The version just handed in (the htmx answer says so). */
  handedIn: number | null;
  /** The file input's accept list and the size limit its hint names. */
  fileAccept: string;
  maxUploadBytes: number;
}

export interface SectionInput {
  userId: number | undefined;
  module: CatalogueModule;
  enrolled: boolean;
  maxUploadBytes: number;
  form?: { values: HandInValues; errors: HandInErrors };
  handedIn?: number;
}

/**
 * The assignment section of a module page. Reads only: the versions of an enrolled teacher.
 * `form` carries what a refused hand-in sent, so the page shows it again beside the errors.
 */
export async function assignmentSection(db: DbOrTx, input: SectionInput): Promise<AssignmentSection | null> {
  const assignment = input.module.assignment;
  if (!assignment) return null;
  const versions = input.userId !== undefined && input.enrolled ? await versionsOf(db, input.userId, input.module.id) : [];
  const status: AssignmentSection['status'] = versions.at(0)?.status ?? 'none';
  return {
    assignment,
    maxPoints: rubricMaximum(assignment.rubric.criteria),
    signedIn: input.userId !== undefined,
    enrolled: input.enrolled,
    status,
    versions,
    canHandIn: input.enrolled && (status === 'none' || status === 'needs_work'),
    values: input.form?.values ?? { text: '', url: '' },
    errors: input.form?.errors ?? {},
    // A fresh key for every form rendered: the same form sent twice is one version.
    submissionKey: newSubmissionKey(),
    // Only a version there is (a made-up number in the URL confirms nothing).
    handedIn: versions.some((v) => v.version === input.handedIn) ? input.handedIn! : null,
    fileAccept: ACCEPT_ATTRIBUTE,
    maxUploadBytes: input.maxUploadBytes,
  };
}
