import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { shortTitle } from '../../server/cohorts/progress.ts';
import { shownEmails, storyCohort } from './story-fixtures.ts';

function summaryNav(html: string): string {
  const start = html.indexOf('<nav id="status-summary"');
  return html.slice(start, html.indexOf('</nav>', start));
}

/** The summary: status → count, read from the rendered links. */
function summaryOf(html: string): Record<string, number> {
  const nav = summaryNav(html);
  const out: Record<string, number> = {};
  for (const m of nav.matchAll(/status=(\w+)"[^>]*>[\s\S]*?<span class="summary-count">(\d+)<\/span>/g)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('GET /cohorts/:id (the story page)', () => {
  it('counts learners per status with each learner’s own due date, and shows waiting for review as 0', async () => {
    const { trainer, cohortId } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.status).toBe(200);
    expect(summaryOf(res.text)).toEqual({ not_started: 1, in_progress: 1, done: 1, overdue: 2, awaiting_review: 0 });
    expect(res.text).toMatch(/All learners<\/span>\s*<span class="summary-count">5<\/span>/);
  });

  it('filters the table to the status of a summary link and marks that link as current', async () => {
    const { trainer, cohortId } = await storyCohort();
    const expected: Record<string, string[]> = {
      done: ['ada@north.org'],
      overdue: ['boris@south.org', 'chen@north.org'],
      in_progress: ['dana@north.org'],
      not_started: ['eve@north.org'],
      awaiting_review: [],
    };
    for (const [status, emails] of Object.entries(expected)) {
      const res = await trainer.agent.get(`/cohorts/${cohortId}?status=${status}`);
      expect(shownEmails(res.text), status).toEqual(emails);
      expect(res.text).toContain(`<a href="/cohorts/${cohortId}?status=${status}" class="summary-link is-current" aria-current="true"`);
      expect(summaryNav(res.text).match(/aria-current="true"/g)?.length).toBe(1);
    }
    // The old name of "done" still works.
    expect(shownEmails((await trainer.agent.get(`/cohorts/${cohortId}?status=completed`)).text)).toEqual(['ada@north.org']);
    const all = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(all.text).toContain(`<a href="/cohorts/${cohortId}" class="summary-link is-current" aria-current="true"`);
  });

  it('refreshes the summary and the status field out of band in the htmx fragment', async () => {
    const { trainer, cohortId } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}?status=overdue`).set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.status).toBe(200);
    expect(res.text.trim()).toMatch(/^<div id="cohort-table">/);
    expect(res.text).toContain('<nav id="status-summary" class="status-summary" aria-label="Learners by status" data-hx-swap-oob="true">');
    expect(res.text).toContain('<div id="status-field" data-hx-swap-oob="true">');
    expect(res.text).toContain('<option value="overdue" selected>Overdue</option>');
    expect(shownEmails(res.text)).toEqual(['boris@south.org', 'chen@north.org']);
  });

  it('names modules in the headers: number and short title shown, the full title read out', async () => {
    const { trainer, cohortId, courses } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    const m = courses[0]!.modules[1]!;
    const head = res.text.slice(res.text.indexOf(`<th scope="col" id="module-${m.id}"`));
    const cell = head.slice(0, head.indexOf('</th>'));
    expect(cell).toContain(`<span class="module-number">1.2</span> <span class="module-short">${shortTitle(m.title)}</span>`);
    expect(cell).toContain(`<span class="visually-hidden">1.2 ${m.title}</span>`);
    // Cells pair with both header rows and the learner.
    expect(res.text).toMatch(new RegExp(`<td class="cell" headers="learner-\\d+ course-${courses[0]!.id} module-${m.id}">`));
  });

  it('cuts long titles at a word with an ellipsis and keeps short ones', () => {
    expect(shortTitle('Digital citizenship')).toBe('Digital citizenship');
    expect(shortTitle('Assessment for learning with digital tools')).toBe('Assessment for learning…');
    expect(shortTitle('Информационно-коммуникационные технологии')).toBe('Информационно-коммуникац…');
  });

  it('shows a legend of every status with its icon and words, and icons with words in every cell', async () => {
    const { trainer, cohortId } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    const start = res.text.indexOf('<details class="status-legend"');
    const legend = res.text.slice(start, res.text.indexOf('</details>', start));
    for (const [status, words] of [
      ['not_started', 'Not started'],
      ['in_progress', 'In progress'],
      ['completed', 'Done'],
      ['quiz_failed', 'Quiz failed'],
      ['overdue', 'Overdue'],
      ['awaiting_review', 'Waiting for review'],
    ]) {
      expect(legend).toMatch(
        new RegExp(`<span class="status status-${status}"><span class="status-icon" aria-hidden="true">[^<]+</span> <span class="status-text">${words}</span>`),
      );
    }
    expect(res.text).toMatch(
      /<td class="cell"[^>]*><span class="status status-completed"><span class="status-icon" aria-hidden="true">✓<\/span> <span class="visually-hidden">Done<\/span>/,
    );
  });

  it('marks the current tab and links the four tabs', async () => {
    const { trainer, cohortId } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    const nav = res.text.slice(res.text.indexOf('<nav class="cohort-tabs"'), res.text.indexOf('</nav>', res.text.indexOf('<nav class="cohort-tabs"')));
    expect(nav).toContain(`<a href="/cohorts/${cohortId}" class="cohort-tab is-current" aria-current="page">Progress</a>`);
    for (const path of ['/members', '/reminders', '/edit']) expect(nav).toContain(`href="/cohorts/${cohortId}${path}" class="cohort-tab" `);
    const members = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    expect(members.text).toContain(`<a href="/cohorts/${cohortId}/members" class="cohort-tab is-current" aria-current="page">`);
    const edit = await trainer.agent.get(`/cohorts/${cohortId}/edit`);
    expect(edit.text).toContain(`<a href="/cohorts/${cohortId}/edit" class="cohort-tab is-current" aria-current="page">Edit</a>`);
  });

  it('links each learner to their page and offers a labelled checkbox per row', async () => {
    const { trainer, cohortId, ada } = await storyCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}`);
    expect(res.text).toContain(`<a href="/cohorts/${cohortId}/learners/${ada.id}">Ada Lovelace</a>`);
    expect(res.text).toContain(
      `<input type="checkbox" id="pick-${ada.id}" name="users" value="${ada.id}" data-pick><label for="pick-${ada.id}" class="visually-hidden">Select Ada Lovelace</label>`,
    );
    expect(res.text).toMatch(/<input type="checkbox" id="pick-page" name="users" value="\d+(,\d+){4}" data-pick-all>/);
  });

  it('counts the summary in one statement, not per learner', async () => {
    const { ctx, trainer, cohortId } = await storyCohort();
    const { logger } = (ctx.db as unknown as { session: { logger: { logQuery(query: string, params: unknown[]): void } } }).session;
    const spy = vi.spyOn(logger, 'logQuery');
    await trainer.agent.get(`/cohorts/${cohortId}`);
    const summaries = spy.mock.calls.filter(([q]) => /'awaiting_review'|THEN 'done'/.test(q) && /group by 1/i.test(q));
    spy.mockRestore();
    expect(summaries).toHaveLength(1);
    void (ctx.db as Db);
  });
});
