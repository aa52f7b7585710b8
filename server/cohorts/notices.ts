import type { Request } from 'express';

// The outcome notices of the cohort pages, read back from the redirect's query string. Only known
// keys are shown and counts are plain numbers, so a crafted link can say nothing new.

const KNOWN: Record<string, { counts: string[]; warnWhen?: string }> = {
  extended: { counts: ['count'] },
  extensionCleared: { counts: ['count'] },
  removedMany: { counts: ['count'] },
  movedMany: { counts: ['count'] },
  edited: { counts: [] },
  archived: { counts: [] },
  unarchived: { counts: [] },
  // From the reminders helper's POST /cohorts/:id/reminders/send (back=learner or the cohort page).
  reminded: { counts: ['sent', 'skipped', 'failed'], warnWhen: 'failed' },
};

export interface Notice {
  key: string;
  params: Record<string, number>;
  warn: boolean;
}

export function noticeOf(req: Request): Notice | null {
  const key = typeof req.query.notice === 'string' ? req.query.notice : '';
  const known = Object.hasOwn(KNOWN, key) ? KNOWN[key] : undefined;
  if (!known) return null;
  const params: Record<string, number> = {};
  for (const name of known.counts) {
    const n = Number(req.query[name]);
    params[name] = Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }
  return { key, params, warn: !!known.warnWhen && params[known.warnWhen]! > 0 };
}
