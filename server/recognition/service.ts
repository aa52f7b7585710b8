import type { Deps } from '../app.ts';
import { isUniqueViolation } from '../db/client.ts';
import { isTrainerOf } from '../cohorts/access.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { deleteFile, withUploadedFile } from '../files/queries.ts';
import { fileStore } from '../files/store.ts';
import type { Upload } from '../files/upload.ts';
import { competencyTitle } from '../framework/ict-cft.ts';
import { HttpError } from '../http/errors.ts';
import { addEvidence } from '../learning/queries.ts';
import { recordEvidenceEvent } from '../learning/records.ts';
import { sendMessage } from '../mail/send.ts';
import {
  deleteWaiting,
  findRecognition,
  insertRecognition,
  markDecided,
  ownerContact,
  type RecognitionView,
  recognitionIdByKey,
  recognitionSource,
} from './queries.ts';
import type { DecisionInput, RequestInput } from './schemas.ts';

/** An administrator, or a trainer of a cohort the owner is active in: may see and decide (not their own). */
export async function isReviewerOf(deps: Pick<Deps, 'db'>, viewer: SessionUser, ownerId: number): Promise<boolean> {
  if (viewer.roles.includes('admin')) return true;
  return viewer.roles.includes('trainer') && (await isTrainerOf(deps.db, viewer.id, ownerId));
}

/**
 * Records a request and its certificate together. A repeated submission key (a double click, a
 * retry) writes nothing and answers with the request that key made.
 */
export async function submitRecognition(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { userId: number; data: RequestInput; file: Upload | null; submissionKey: string | null; now: number },
): Promise<number> {
  const { db } = deps;
  const key = input.submissionKey;
  const { hours, url, ...fields } = input.data;
  try {
    return await withUploadedFile(db, fileStore(deps.config), input.file, input.userId, (save) =>
      db.transaction(async (tx) => {
        const earlier = key === null ? undefined : await recognitionIdByKey(tx, input.userId, key);
        if (earlier !== undefined) return earlier;
        const file = save ? await save(tx, input.now) : null;
        return insertRecognition(tx, {
          ...fields,
          userId: input.userId,
          minutes: Math.round(hours * 60),
          url: url || null,
          fileId: file?.id ?? null,
          submissionKey: key,
          now: input.now,
        });
      }),
    );
  } catch (err) {
    // Another request with the same key won the insert between our look-up and ours: that one stands.
    const earlier = key !== null && isUniqueViolation(err) ? await recognitionIdByKey(db, input.userId, key) : undefined;
    if (earlier === undefined) throw err;
    return earlier;
  }
}

/** The owner withdraws a waiting request: the row goes, its file becomes a tombstone. False when there was none. */
export async function withdrawRecognition(deps: Pick<Deps, 'db' | 'config'>, id: number, userId: number, now: number): Promise<boolean> {
  const deleted = await deps.db.transaction((tx) => deleteWaiting(tx, id, userId));
  if (!deleted) return false;
  // After the row is gone (nothing points at the file any more); removing bytes is not a database write.
  if (deleted.fileId !== null) await deleteFile(deps.db, fileStore(deps.config), deleted.fileId, userId, now);
  return true;
}

export type DecisionOutcome = { ok: true } | { ok: false; errors: Record<string, string> };

/**
 * Decides a waiting request in one transaction: the status, and on approval the recognised
 * evidence and its xAPI statement. Whoever comes second gets 409 naming who decided. The teacher
 * is e-mailed after the transaction (it may run twice on PostgreSQL).
 */
export async function decideRecognition(
  deps: Deps,
  input: { recognition: RecognitionView; reviewer: SessionUser; decision: DecisionInput; now: number },
): Promise<DecisionOutcome> {
  const { recognition: r, reviewer, decision, now } = input;
  if (r.userId === reviewer.id) return { ok: false, errors: { decision: 'recognition:errors.ownRequest' } };
  const approved = decision.decision === 'approve' ? decision.competencies : [];
  if (approved.some((code) => !r.competencies.includes(code))) return { ok: false, errors: { competencies: 'recognition:errors.notClaimed' } };
  await deps.db.transaction(async (tx) => {
    const changed = await markDecided(tx, r.id, {
      status: decision.decision === 'approve' ? 'approved' : 'rejected',
      reason: decision.decision === 'reject' ? decision.reason : null,
      decidedBy: reviewer.id,
      now,
    });
    if (!changed) {
      const current = await findRecognition(tx, r.id);
      // Withdrawn by its owner meanwhile: nothing left to decide.
      if (!current) throw new HttpError(404);
      throw new HttpError(409, 'recognition:errors.alreadyDecided', { name: current.deciderName ?? '' });
    }
    if (decision.decision !== 'approve') return;
    await addEvidence(tx, { userId: r.userId, competencies: approved, kind: 'recognised', source: recognitionSource(r.id), assessorId: reviewer.id, now });
    await recordEvidenceEvent(tx, {
      baseUrl: deps.config.baseUrl,
      userId: r.userId,
      verb: 'recognised',
      activity: { path: `/recognition/${r.id}`, name: r.title, type: 'external' },
      instructorId: reviewer.id,
      result: { success: true, completion: true },
      now,
    });
  });
  await mailDecision(deps, r, decision, approved);
  return { ok: true };
}

async function mailDecision(deps: Deps, r: RecognitionView, decision: DecisionInput, approved: string[]): Promise<void> {
  const owner = await ownerContact(deps.db, r.userId);
  if (!owner) return;
  const kind = decision.decision === 'approve' ? 'approved' : 'rejected';
  await sendMessage(deps, {
    to: owner.email,
    language: owner.language,
    subjectKey: `recognition:mail.${kind}.subject`,
    bodyKey: `recognition:mail.${kind}.body`,
    params: {
      name: owner.name,
      title: r.title,
      provider: r.provider,
      reason: decision.decision === 'reject' ? decision.reason : '',
      competencies: approved.map((code) => `${code} ${competencyTitle(code, owner.language)}`).join('\n'),
      link: `${deps.config.baseUrl}/recognition/${r.id}`,
    },
  });
}
