import type { Deps } from '../app.ts';
import { getCatalogue } from '../courses/catalogue.ts';
import { isoToday } from '../cohorts/progress.ts';
import { cohortCourseIds } from '../cohorts/queries.ts';
import type { Db } from '../db/client.ts';
import { mailEnabled } from '../mail/transport.ts';
import { type DigestGroup, runMail, sendDigest, sendLearnerReminder } from './mail.ts';
import { loadRules } from './queries.ts';
import { chooseRule, type CohortRules, isoWeek, learnerDetail, type MemberState, situation } from './rules.ts';
import {
  type Claim,
  type ChunkMember,
  claimSends,
  cohortsWithRules,
  digestRecipients,
  ensureTokens,
  markSends,
  memberChunk,
  type RunCohort,
} from './run-queries.ts';

// The scheduled reminder run. Cohort by cohort, members in keyset chunks: memory stays the same
// whatever the number of enrolments. Every message is claimed in reminder_sends before it is sent
// (the unique index makes a rule send once per period), so a second run, a second instance or a
// restart never sends it again; a crash between claim and send leaves it 'pending', never twice.

export const CHUNK = 1000;
/** Messages handed to the transport at once within a chunk. */
const PARALLEL_SENDS = 8;
const DIGEST_NAMES = 10;

export interface RunCounts {
  cohorts: number;
  members: number;
  sent: number;
  failed: number;
  digests: number;
}

type RunDeps = Pick<Deps, 'db' | 'config' | 'mailTransport' | 'logger'>;

/** Runs `work` over items, at most `limit` at a time. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** The cohort's module ids: every module of its courses as the catalogue has them now. */
export async function cohortModuleIds(db: Db, cohortId: number): Promise<number[]> {
  const catalogue = await getCatalogue(db);
  return (await cohortCourseIds(db, cohortId)).flatMap((id) => catalogue.courseById(id)?.modules.map((m) => m.id) ?? []);
}

export function memberState(m: ChunkMember, cohort: Pick<RunCohort, 'startDate'>, total: number): MemberState {
  return { completed: Math.min(m.completed, total), touched: m.touched, total, dueDate: m.dueDate, startDate: cohort.startDate };
}

/** Sends every reminder due now. Without SMTP_URL it does nothing at all (and claims nothing). */
export async function runReminders(deps: RunDeps, now = Date.now()): Promise<RunCounts> {
  const counts: RunCounts = { cohorts: 0, members: 0, sent: 0, failed: 0, digests: 0 };
  if (!mailEnabled(deps.config)) return counts;
  const mail = runMail(deps);
  const today = isoToday(now);
  let afterCohort = 0;
  try {
    for (;;) {
      const page = await cohortsWithRules(deps.db, afterCohort, 100);
      if (!page.length) break;
      for (const cohort of page) {
        await runCohort(deps, mail, cohort, today, now, counts);
        counts.cohorts++;
      }
      afterCohort = page[page.length - 1]!.id;
    }
  } finally {
    mail.close();
  }
  return counts;
}

async function runCohort(deps: RunDeps, mail: ReturnType<typeof runMail>, cohort: RunCohort, today: string, now: number, counts: RunCounts) {
  const { db, config } = deps;
  const rules: CohortRules = await loadRules(db, cohort.id);
  const moduleIds = await cohortModuleIds(db, cohort.id);
  const total = moduleIds.length;
  const groups: Record<'not_started' | 'behind' | 'overdue', DigestGroup> = {
    not_started: { count: 0, names: [] },
    behind: { count: 0, names: [] },
    overdue: { count: 0, names: [] },
  };
  let after = 0;
  for (;;) {
    const chunk = await memberChunk(db, cohort.id, moduleIds, { afterUserId: after, limit: CHUNK });
    if (!chunk.length) break;
    after = chunk[chunk.length - 1]!.userId;
    counts.members += chunk.length;
    const claims: Claim[] = [];
    const byUser = new Map<number, ChunkMember>();
    for (const m of chunk) {
      const state = memberState(m, cohort, total);
      const where = situation(state, today);
      if (where === 'not_started' || where === 'behind' || where === 'overdue') {
        const g = groups[where];
        g.count++;
        if (g.names.length < DIGEST_NAMES) g.names.push(m.name);
      }
      if (m.remindersOff) continue;
      // The most urgent rule only: if it was sent this period, the learner gets nothing this run.
      const chosen = chooseRule(state, today, rules);
      if (!chosen) continue;
      claims.push({ userId: m.userId, kind: chosen.rule, period: chosen.period, detail: learnerDetail(state, today) });
      byUser.set(m.userId, m);
    }
    const claimed = await claimSends(db, cohort.id, claims, now);
    if (!claimed.length) continue;
    const tokens = await ensureTokens(
      db,
      cohort.id,
      claimed.map((c) => c.userId).filter((id) => !byUser.get(id)!.token),
    );
    for (const { userId } of claimed) {
      const known = byUser.get(userId)!.token;
      if (known) tokens.set(userId, known);
    }
    const claimOf = new Map(claims.map((c) => [c.userId, c]));
    const sent: number[] = [];
    const failed: number[] = [];
    await inParallel(claimed, PARALLEL_SENDS, async ({ id, userId }) => {
      const m = byUser.get(userId)!;
      const c = claimOf.get(userId)!;
      const token = tokens.get(userId);
      const ok =
        !!token &&
        (await sendLearnerReminder(mail, config.baseUrl, {
          kind: c.kind as Exclude<Claim['kind'], 'digest'>,
          to: m,
          cohortName: cohort.name,
          detail: c.detail,
          unsubscribeToken: token,
        }));
      (ok ? sent : failed).push(id);
    });
    await markSends(db, sent, 'sent');
    await markSends(db, failed, 'failed');
    counts.sent += sent.length;
    counts.failed += failed.length;
  }
  if (rules.digest.enabled) await runDigest(deps, mail, cohort, today, now, groups, counts);
}

async function runDigest(
  deps: RunDeps,
  mail: ReturnType<typeof runMail>,
  cohort: RunCohort,
  today: string,
  now: number,
  groups: Record<'not_started' | 'behind' | 'overdue', DigestGroup>,
  counts: RunCounts,
) {
  const trainers = await digestRecipients(deps.db, cohort.id);
  const detail = { counts: { not_started: groups.not_started.count, behind: groups.behind.count, overdue: groups.overdue.count } };
  const claimed = await claimSends(
    deps.db,
    cohort.id,
    trainers.map((t) => ({ userId: t.userId, kind: 'digest' as const, period: isoWeek(today), detail })),
    now,
  );
  const byId = new Map(trainers.map((t) => [t.userId, t]));
  for (const { id, userId } of claimed) {
    const ok = await sendDigest(mail, deps.config.baseUrl, byId.get(userId)!, cohort, groups);
    await markSends(deps.db, [id], ok ? 'sent' : 'failed');
    if (ok) counts.digests++;
    else counts.failed++;
  }
}
