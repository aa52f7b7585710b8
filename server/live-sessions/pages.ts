import type { Request, Response } from 'express';
import type { Deps } from '../app.ts';
import { cohortOf } from '../cohorts/middleware.ts';
import { LIVE_SESSION_KINDS } from '../db/schema/values.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { render } from '../http/render.ts';
import type { FileProblem } from './attendance-file.ts';
import { checklist, countActiveMembers, countAttendance, listSessions, type LiveSession } from './queries.ts';
import type { formValues } from './schemas.ts';
import { formatStart, localParts, serverTimeZone } from './times.ts';

type Values = ReturnType<typeof formValues>;

/** What both pages' session form needs beside its values: the kinds, the 18 by level, the zone. */
function formChoices(lang: string) {
  return {
    kinds: LIVE_SESSION_KINDS,
    levels: LEVELS.map((l) => ({
      code: l.code,
      title: lang === 'ru' ? l.titleRu : l.title,
      codes: COMPETENCIES.filter((c) => c.level === l.code).map((c) => c.code),
    })),
    timeZone: serverTimeZone(),
    when: (ms: number) => formatStart(ms, lang),
  };
}

const EMPTY: Values = { kind: 'webinar', title: '', date: '', time: '', minutes: '60', competencies: [] };

/** The cohort's sessions, newest first, and the form for a new one (refilled with a refused input). */
export async function sessionsPage(deps: Deps, req: Request, res: Response, extra: { values?: Values; errors?: Record<string, string> } = {}, status?: number) {
  const cohort = cohortOf(res);
  const [sessions, members] = await Promise.all([listSessions(deps.db, cohort.id), countActiveMembers(deps.db, cohort.id)]);
  await render(
    req,
    res,
    'live-sessions/index',
    {
      cohort,
      sessions,
      members,
      values: extra.values ?? EMPTY,
      errors: extra.errors ?? {},
      // After a deletion: how many teachers lost that session's evidence.
      deleted: !status && typeof req.query.deleted === 'string' && /^\d{1,6}$/.test(req.query.deleted) ? Number(req.query.deleted) : null,
      ...formChoices(res.locals.lang),
    },
    { status },
  );
}

export interface SessionPageExtra {
  values?: Values;
  errors?: Record<string, string>;
  attendanceError?: string;
  fileError?: FileProblem;
}

const NOTICES = new Set(['created', 'saved', 'attendance']);

/** One session: its details and edit form, the attendance checklist, the export upload. */
export async function sessionPage(deps: Deps, req: Request, res: Response, session: LiveSession, extra: SessionPageExtra = {}, status?: number) {
  const cohort = cohortOf(res);
  const [members, attendanceTotal] = await Promise.all([checklist(deps.db, cohort.id, session.id), countAttendance(deps.db, session.id)]);
  const notice = !status && typeof req.query.notice === 'string' && NOTICES.has(req.query.notice) ? req.query.notice : null;
  const count = (v: unknown) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 0);
  const { date, time } = localParts(session.startsAt);
  const values: Values = extra.values ?? {
    kind: session.kind,
    title: session.title,
    date,
    time,
    minutes: String(session.minutes),
    competencies: session.competencies,
  };
  await render(
    req,
    res,
    'live-sessions/show',
    {
      cohort,
      session,
      members,
      recordedCount: members.filter((m) => m.recorded).length,
      attendanceTotal,
      values,
      errors: extra.errors ?? {},
      attendanceError: extra.attendanceError ?? null,
      fileError: extra.fileError ?? null,
      notice,
      changed: { added: count(req.query.added), removed: count(req.query.removed) },
      ...formChoices(res.locals.lang),
    },
    { status },
  );
}
