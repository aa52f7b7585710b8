import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import type { Db } from '../../server/db/client.ts';
import { certificates, cohorts, moduleProgress } from '../../server/db/schema.ts';
import { makeUser } from '../helpers.ts';
import { trainerWithCohort } from './fixtures.ts';

const DAY = 24 * 3600 * 1000;

/**
 * Counts the SQL statements the database runs, prepared ones included, on either engine: drizzle
 * hands every statement it executes to its session's logger (a no-op one unless configured).
 */
function statementCounter(db: Db) {
  const { logger } = (db as unknown as { session: { logger: { logQuery(query: string, params: unknown[]): void } } }).session;
  return vi.spyOn(logger, 'logQuery');
}
const T0 = Date.UTC(2026, 2, 1, 9, 0); // 1 March 2026

async function progress(
  db: Db,
  userId: number,
  moduleId: number,
  fields: { status: 'in_progress' | 'completed'; attempts?: number; quizPassed?: boolean; at?: number },
) {
  const at = fields.at ?? T0;
  await db.insert(moduleProgress).values({
    userId,
    moduleId,
    status: fields.status,
    attempts: fields.attempts ?? 0,
    quizPassed: fields.quizPassed ?? false,
    firstViewedAt: at,
    completedAt: fields.status === 'completed' ? at : null,
    lastActivityAt: at,
  });
}

async function certificate(db: Db, userId: number, courseId: number, code: string, extra: { revokedAt?: number; replacedByCode?: string } = {}) {
  await db.insert(certificates).values({
    code,
    userId,
    courseId,
    learnerName: 'x',
    courseTitle: 'x',
    courseLanguage: 'en',
    hours: 1,
    competencies: [],
    issuerName: 'x',
    issuedAt: T0,
    ...extra,
  });
}

/** Ada finished everything, Boris is part-way with a failed quiz, Chen has not started. */
async function seeded() {
  const setup = await trainerWithCohort();
  const { ctx, cohortId, courses } = setup;
  const modules = courses.flatMap((c) => c.modules.map((m) => m.id));
  expect(modules).toHaveLength(10);
  const ada = await makeUser(ctx.db, { name: 'Ada Lovelace', email: 'ada@north.org', school: 'North School' });
  const boris = await makeUser(ctx.db, { name: 'Boris Petrov', email: 'boris@south.org', school: 'South School' });
  const chen = await makeUser(ctx.db, { name: 'Chen Wei', email: 'chen@north.org', school: 'North School' });
  for (const u of [ada, boris, chen]) await addMember(ctx.db, cohortId, u.id);
  for (const m of modules) await progress(ctx.db, ada.id, m, { status: 'completed', attempts: 1, quizPassed: true, at: T0 + 5 * DAY });
  await progress(ctx.db, boris.id, modules[0]!, { status: 'completed', attempts: 1, quizPassed: true });
  await progress(ctx.db, boris.id, modules[1]!, { status: 'completed' });
  await progress(ctx.db, boris.id, modules[2]!, { status: 'completed', attempts: 3, quizPassed: true });
  await progress(ctx.db, boris.id, modules[3]!, { status: 'in_progress' });
  await progress(ctx.db, boris.id, modules[4]!, { status: 'in_progress', attempts: 2, quizPassed: false, at: T0 + DAY });
  await certificate(ctx.db, ada.id, courses[0]!.id, 'ADA-CURRENT');
  await certificate(ctx.db, ada.id, courses[1]!.id, 'ADA-REVOKED', { revokedAt: T0 });
  await certificate(ctx.db, boris.id, courses[0]!.id, 'BORIS-OLD', { replacedByCode: 'ADA-CURRENT' });
  return { ...setup, modules, ada, boris, chen };
}

/** The table row of one learner, found by email. */
function rowOf(html: string, email: string): string {
  const start = html.indexOf(`<span class="muted small">${email}</span>`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</tr>', start));
}

/** The module cells of a row: status class and the words read out beside the icon. */
function cellTexts(row: string): string[] {
  return [
    ...row.matchAll(
      /<td class="cell"[^>]*><span class="status status-(\w+)"><span class="status-icon" aria-hidden="true">[^<]+<\/span> <span class="visually-hidden">([^<]+)<\/span>/g,
    ),
  ].map((m) => `${m[1]}:${m[2]}`);
}

/** The learner-level status badge shown beside a learner's progress (icon, then the words). */
const overdueBadge =
  '<span class="status status-overdue"><span class="status-icon" aria-hidden="true">!</span> <span class="status-text">Overdue</span></span>';

describe('GET /cohorts/:id', () => {
  it('shows each learner’s module statuses as text, % complete, last activity and certificates', async () => {
    const { trainer, cohortId } = await seeded();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.status).toBe(200);
    const ada = rowOf(res.text, 'ada@north.org');
    const boris = rowOf(res.text, 'boris@south.org');
    const chen = rowOf(res.text, 'chen@north.org');
    expect(ada).toContain('<span class="progress-label">100%</span>');
    expect(ada).toContain('10 of 10 modules');
    expect(cellTexts(ada)).toEqual(Array(10).fill('completed:Done'));
    expect(ada).toContain('6 March 2026');
    expect(ada).toContain('href="/certificates/ADA-CURRENT"');
    expect(ada).not.toContain('ADA-REVOKED');

    expect(boris).toContain('<span class="progress-label">30%</span>');
    expect(cellTexts(boris)).toEqual([
      'completed:Done',
      'completed:Done',
      'completed:Done',
      'in_progress:In progress',
      'quiz_failed:Quiz failed',
      ...Array(5).fill('not_started:Not started'),
    ]);
    expect(boris).toContain('2 March 2026');
    expect(boris).not.toContain('BORIS-OLD');

    expect(chen).toContain('<span class="progress-label">0%</span>');
    expect(chen).toContain('Never');
    expect(cellTexts(chen)).toEqual(Array(10).fill('not_started:Not started'));
    for (const row of [ada, boris, chen]) expect(row).not.toContain('status-overdue');
  });

  it('adds an aggregate row with the completions of each module (count and %)', async () => {
    const { trainer, cohortId } = await seeded();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    const foot = res.text.slice(res.text.indexOf('<tfoot>'), res.text.indexOf('</tfoot>'));
    expect(foot).toContain('Completed, of 3 members');
    const cells = [...foot.matchAll(/<td class="num">(\d+)<br><span class="small muted">(\d+)%<\/span><\/td>/g)].map((m) => `${m[1]}/${m[2]}%`);
    expect(cells).toEqual(['2/67%', '2/67%', '2/67%', '1/33%', '1/33%', '1/33%', '1/33%', '1/33%', '1/33%', '1/33%']);
  });

  it('flags learners who are not at 100% once the due date has passed', async () => {
    const { ctx, trainer, cohortId } = await seeded();
    await ctx.db.update(cohorts).set({ dueDate: '2026-02-01' }).where(eq(cohorts.id, cohortId));
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(rowOf(res.text, 'ada@north.org')).not.toContain('Overdue');
    expect(rowOf(res.text, 'boris@south.org')).toContain(overdueBadge);
    expect(rowOf(res.text, 'chen@north.org')).toContain(overdueBadge);
    const overdue = await trainer.agent.get(`/cohorts/${cohortId}?status=overdue`);
    expect(overdue.text).toContain('2 of 3 members match.');
    await ctx.db.update(cohorts).set({ dueDate: '2999-01-01' }).where(eq(cohorts.id, cohortId));
    // The legend always explains "overdue"; no learner's row shows it.
    const later = (await trainer.agent.get(`/cohorts/${cohortId}`)).text;
    for (const email of ['ada@north.org', 'boris@south.org', 'chen@north.org']) expect(rowOf(later, email)).not.toContain('status-overdue');
  });

  it('sorts by name, progress and last activity', async () => {
    const { trainer, cohortId } = await seeded();
    const order = async (query: string) => {
      const html = (await trainer.agent.get(`/cohorts/${cohortId}${query}`)).text;
      return [...html.matchAll(/<span class="muted small">(\w+)@/g)].map((m) => m[1]);
    };
    expect(await order('')).toEqual(['ada', 'boris', 'chen']);
    expect(await order('?dir=desc')).toEqual(['chen', 'boris', 'ada']);
    expect(await order('?sort=progress')).toEqual(['ada', 'boris', 'chen']);
    expect(await order('?sort=progress&dir=asc')).toEqual(['chen', 'boris', 'ada']);
    expect(await order('?sort=activity')).toEqual(['ada', 'boris', 'chen']);
    expect(await order('?sort=activity&dir=asc')).toEqual(['chen', 'boris', 'ada']);
    expect(await order('?sort=nonsense&dir=sideways')).toEqual(['ada', 'boris', 'chen']);
  });

  it('filters by school, status and name or email', async () => {
    const { trainer, cohortId } = await seeded();
    const emails = async (query: string) => {
      const html = (await trainer.agent.get(`/cohorts/${cohortId}${query}`)).text;
      return [...html.matchAll(/<span class="muted small">([^<]+@[^<]+)<\/span>/g)].map((m) => m[1]);
    };
    expect(await emails('?school=North+School')).toEqual(['ada@north.org', 'chen@north.org']);
    expect(await emails('?status=quiz_failed')).toEqual(['boris@south.org']);
    expect(await emails('?status=completed')).toEqual(['ada@north.org']);
    expect(await emails('?status=not_started')).toEqual(['chen@north.org']);
    expect(await emails('?status=in_progress')).toEqual(['boris@south.org']);
    expect(await emails('?q=PETROV')).toEqual(['boris@south.org']);
    expect(await emails('?q=chen%40')).toEqual(['chen@north.org']);
    expect(await emails('?q=%25')).toEqual([]);
    const page = await trainer.agent.get(`/cohorts/${cohortId}?school=North+School`);
    expect(page.text).toContain('<option value="North School" selected>North School</option>');
    expect(page.text).toContain('2 of 3 members match.');
  });

  it('answers htmx requests with the table fragment, its sort state and links that keep the filters', async () => {
    const { trainer, cohortId } = await seeded();
    const res = await trainer.agent.get(`/cohorts/${cohortId}?sort=progress&school=North+School`).set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.status).toBe(200);
    expect(res.headers.vary).toContain('HX-Request');
    expect(res.text.trim()).toMatch(/^<div id="cohort-table">/);
    expect(res.text).not.toContain('<html');
    expect(res.text).toContain('<span id="sort-fields" data-hx-swap-oob="true">');
    expect(res.text).toContain('<input type="hidden" name="sort" value="progress">');
    expect(res.text).toContain(`href="/cohorts/${cohortId}/progress.csv?school=North+School&amp;sort=progress"`);
    expect(res.text).toContain(`hx-get="/cohorts/${cohortId}?school=North+School&amp;sort=progress&amp;dir=asc"`);
    expect(res.text).toContain('aria-sort="descending"');
    const page = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(page.text).toContain('hx-target="#cohort-table"');
    expect(page.text).toContain('hx-push-url="true"');
    expect(page.text).toContain('<form method="get" action="/cohorts/');
  });

  it('pages 50 learners at a time', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    for (let i = 0; i < 120; i++) {
      const u = await makeUser(ctx.db, { name: `Learner ${String(i).padStart(3, '0')}`, email: `l${String(i).padStart(3, '0')}@s.org` });
      await addMember(ctx.db, cohortId, u.id);
    }
    const rows = (html: string) => [...html.matchAll(/<th scope="row" id="learner-\d+"><a href="[^"]+">Learner (\d+)/g)].map((m) => Number(m[1]));
    const first = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(rows(first.text)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(first.text).toContain('Page 1 of 3');
    expect(first.text).toContain(`href="/cohorts/${cohortId}?page=2" data-hx-get="/cohorts/${cohortId}?page=2" data-hx-target="#cohort-table"`);
    const last = await trainer.agent.get(`/cohorts/${cohortId}?page=3`);
    expect(rows(last.text)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    const beyond = await trainer.agent.get(`/cohorts/${cohortId}?page=9`);
    expect(beyond.status).toBe(200);
    expect(beyond.text).toContain('No learner matches these filters.');
  });

  it('runs the same few queries whatever the number of learners', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    const small = await createCohort(
      ctx.db,
      { name: 'Small', courses: courses.map((c) => c.id), startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    const moduleIds = courses.flatMap((c) => c.modules.map((m) => m.id));
    for (let i = 0; i < 60; i++) {
      const u = await makeUser(ctx.db);
      await addMember(ctx.db, cohortId, u.id);
      if (i < 3) await addMember(ctx.db, small, u.id);
      await progress(ctx.db, u.id, moduleIds[i % moduleIds.length]!, { status: i % 2 ? 'completed' : 'in_progress' });
    }
    const spy = statementCounter(ctx.db);
    const statements = async (id: number) => {
      spy.mockClear();
      expect((await trainer.agent.get(`/cohorts/${id}`)).status).toBe(200);
      // Session lookups and access checks are included; none of them depends on the learners.
      return spy.mock.calls.length;
    };
    await statements(small); // warm-up: what is loaded once per database (the catalogue) loads on first use
    const forSmall = await statements(small);
    const forLarge = await statements(cohortId);
    spy.mockRestore();
    expect(forSmall).toBeGreaterThan(5); // the counter sees the dashboard's queries at all
    expect(forLarge).toBe(forSmall);
    expect(forLarge).toBeLessThan(15);
  });
});
