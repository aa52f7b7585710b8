import { randomUUID } from 'node:crypto';
import type { Deps } from '../app.ts';
import { isoToday } from '../cohorts/progress.ts';
import type { Cohort } from '../cohorts/queries.ts';
import { cohortModuleIds, inParallel, memberState } from './job.ts';
import { runMail, sendLearnerReminder } from './mail.ts';
import { isFinished, learnerDetail } from './rules.ts';
import { claimSends, ensureTokens, markSends, memberChunk } from './run-queries.ts';

const SELECTION_CHUNK = 1000;

/**
 * "Remind now": a manual reminder to the selected learners who are active members of the cohort.
 * Ids of anyone else are dropped without a word (they must not reveal who belongs where);
 * unsubscribed and finished learners are skipped and counted.
 */
export async function remindNow(
  deps: Pick<Deps, 'db' | 'config' | 'mailTransport' | 'logger'>,
  cohort: Pick<Cohort, 'id' | 'name' | 'startDate'>,
  sender: { id: number; name: string },
  userIds: number[],
  now = Date.now(),
): Promise<{ sent: number; skipped: number; failed: number }> {
  const out = { sent: 0, skipped: 0, failed: 0 };
  const mail = runMail(deps);
  const today = isoToday(now);
  const moduleIds = await cohortModuleIds(deps.db, cohort.id);
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  try {
    for (let i = 0; i < ids.length; i += SELECTION_CHUNK) await remindChunk(ids.slice(i, i + SELECTION_CHUNK));
  } finally {
    mail.close();
  }
  return out;

  async function remindChunk(chunk: number[]) {
    const members = await memberChunk(deps.db, cohort.id, moduleIds, {
      afterUserId: 0,
      limit: SELECTION_CHUNK,
      onlyUserIds: chunk,
    });
    const eligible = members.filter((m) => !m.remindersOff && !isFinished({ completed: m.completed, total: moduleIds.length }));
    out.skipped += members.length - eligible.length;
    // Each manual message is its own period: a trainer may remind the same learner again later.
    const claims = eligible.map((m) => ({
      userId: m.userId,
      kind: 'manual' as const,
      period: `manual/${now}/${randomUUID()}`,
      detail: learnerDetail(memberState(m, cohort, moduleIds.length), today),
      sentBy: sender.id,
    }));
    const claimed = await claimSends(deps.db, cohort.id, claims, now);
    const tokens = await ensureTokens(
      deps.db,
      cohort.id,
      claimed.map((c) => c.userId),
    );
    const byUser = new Map(eligible.map((m) => [m.userId, m]));
    const detailOf = new Map(claims.map((c) => [c.userId, c.detail]));
    const sent: number[] = [];
    const failed: number[] = [];
    await inParallel(claimed, 8, async ({ id, userId }) => {
      const token = tokens.get(userId);
      const ok =
        !!token &&
        (await sendLearnerReminder(mail, deps.config.baseUrl, {
          kind: 'manual',
          to: byUser.get(userId)!,
          cohortName: cohort.name,
          detail: detailOf.get(userId)!,
          unsubscribeToken: token,
          trainer: sender.name,
        }));
      (ok ? sent : failed).push(id);
    });
    await markSends(deps.db, sent, 'sent');
    await markSends(deps.db, failed, 'failed');
    out.sent += sent.length;
    out.failed += failed.length;
  }
}
