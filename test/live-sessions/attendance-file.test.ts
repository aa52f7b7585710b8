import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Agent, cohortWithMembers, createSessionVia, FORM_START, written } from './fixtures.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function uploadExport(agent: Agent, cohortId: number, sessionId: number, body: Buffer | string, filename = 'participants.csv', contentType = 'text/csv') {
  return agent
    .post(`/cohorts/${cohortId}/sessions/${sessionId}/attendance/file`)
    .field('action', 'preview')
    .attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename, contentType });
}

/** Confirms a preview the way its form does: the carried text, without the file. */
function confirm(agent: Agent, cohortId: number, sessionId: number, html: string) {
  const csv = /<textarea name="csv" hidden aria-hidden="true">\n([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
  const text = csv.replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  return agent
    .post(`/cohorts/${cohortId}/sessions/${sessionId}/attendance/file`)
    .field('action', 'confirm')
    .field('csv', text)
    .field('filename', 'participants.csv');
}

async function setUp() {
  const base = await cohortWithMembers();
  const sessionId = await createSessionVia(base.trainer.agent, base.cohortId);
  return { ...base, sessionId };
}

describe('POST /cohorts/:id/sessions/:sessionId/attendance/file', () => {
  it('previews a Zoom export: members found, strangers by row and column, repeats, and writes nothing', async () => {
    const { ctx, trainer, cohortId, sessionId, anna, boris, invited } = await setUp();
    // Zoom puts a summary (with the host's address) above the participants.
    const csv = [
      'Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants',
      '812 3456 7890,Digital storytelling,03/10/2026 02:30:00 PM,03/10/2026 04:00:00 PM,host@school.test,90,4',
      '',
      'Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest',
      `Anna I.,${anna.email.toUpperCase()},03/10/2026 02:31:00 PM,03/10/2026 03:10:00 PM,39,No`,
      `Boris,${boris.email},03/10/2026 02:32:00 PM,03/10/2026 04:00:00 PM,88,No`,
      `Anna I.,${anna.email},03/10/2026 03:15:00 PM,03/10/2026 04:00:00 PM,45,No`,
      'Guest,outsider@elsewhere.test,03/10/2026 02:40:00 PM,03/10/2026 03:00:00 PM,20,Yes',
      `Ivan,${invited.email},03/10/2026 02:40:00 PM,03/10/2026 03:00:00 PM,20,No`,
      'Phone user,,03/10/2026 02:40:00 PM,03/10/2026 03:00:00 PM,20,Yes',
    ].join('\n');
    const res = await uploadExport(trainer.agent, cohortId, sessionId, csv);
    expect(res.status).toBe(200);
    expect(res.text).toContain('E-mail addresses are read from the column &#34;User Email&#34;.');
    expect(res.text).toContain('Confirm: record 2 attendees');
    expect(res.text).toMatch(new RegExp(`<tr data-line="5">[\\s\\S]*?${anna.email.toUpperCase()}[\\s\\S]*?Anna Ivanova[\\s\\S]*?Will be recorded`));
    expect(res.text).toContain('Row 7: the same address as row 5, counted once.');
    expect(res.text).toContain('Row 8, column &#34;User Email&#34;: outsider@elsewhere.test is not an active member of this cohort.');
    expect(res.text).toContain(`Row 9, column &#34;User Email&#34;: ${invited.email} is not an active member of this cohort.`);
    expect(res.text).toContain('Row 10, column &#34;User Email&#34; is empty.');
    expect(res.text).not.toContain('host@school.test</td>');
    const nothing = await written(ctx.db, sessionId);
    expect([nothing.attendance.length, nothing.evidence.length, nothing.statements.length]).toEqual([0, 0, 0]);

    const done = await confirm(trainer.agent, cohortId, sessionId, res.text);
    expect(done.status).toBe(303);
    expect(done.headers.location).toContain('added=2');
    const { attendance, evidence, statements } = await written(ctx.db, sessionId);
    expect(attendance.map((a) => a.userId).sort()).toEqual([anna.id, boris.id].sort());
    expect(evidence).toHaveLength(4);
    expect(evidence.every((e) => e.kind === 'participation' && e.createdAt === FORM_START && e.assessorId === trainer.user.id)).toBe(true);
    expect(statements).toHaveLength(2);

    // The same file again: everyone found is recorded already.
    const again = await uploadExport(trainer.agent, cohortId, sessionId, csv);
    expect(again.text).toContain('Nobody in this file is left to record');
    expect(again.text).toContain('Already recorded');
  });

  it('reads an Excel workbook the same way', async () => {
    const { ctx, trainer, cohortId, sessionId, vera } = await setUp();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Участники');
    sheet.addRow(['Отчёт о посещении']);
    sheet.addRow(['ФИО', 'Электронная почта', 'Время подключения']);
    sheet.addRow(['Сидорова Вера', vera.email, '14:31']);
    sheet.addRow(['Кто-то', 'nobody@school.test', '14:35']);
    const body = Buffer.from(await book.xlsx.writeBuffer());
    const res = await uploadExport(trainer.agent, cohortId, sessionId, body, 'report.xlsx', XLSX_TYPE);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Read from the first sheet of the Excel workbook.');
    expect(res.text).toMatch(new RegExp(`<tr data-line="3">[\\s\\S]*?${vera.email}[\\s\\S]*?Сидорова Вера[\\s\\S]*?Vera Sidorova`));
    expect(res.text).toContain('Row 4, column &#34;Электронная почта&#34;: nobody@school.test is not an active member');
    expect((await written(ctx.db, sessionId)).attendance).toHaveLength(0);
    const done = await confirm(trainer.agent, cohortId, sessionId, res.text);
    expect(done.status).toBe(303);
    expect((await written(ctx.db, sessionId)).attendance.map((a) => a.userId)).toEqual([vera.id]);
  });

  it('refuses a file without an e-mail column with 422 on the session page, writing nothing', async () => {
    const { ctx, trainer, cohortId, sessionId } = await setUp();
    const res = await uploadExport(trainer.agent, cohortId, sessionId, 'Name,Minutes\nAnna,40\n');
    expect(res.status).toBe(422);
    expect(res.text).toContain('participants.csv: None of the first 10 rows has an e-mail column');
    expect(res.text).toContain('id="attendance-file-error"');
    expect((await written(ctx.db, sessionId)).attendance).toHaveLength(0);
  });

  it('refuses a confirmation that carries no list, and a binary file', async () => {
    const { ctx, trainer, cohortId, sessionId } = await setUp();
    const empty = await trainer.agent.post(`/cohorts/${cohortId}/sessions/${sessionId}/attendance/file`).field('action', 'confirm').field('csv', '');
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Choose a file first.');
    const binary = await uploadExport(trainer.agent, cohortId, sessionId, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), 'photo.png', 'image/png');
    expect(binary.status).toBe(422);
    expect((await written(ctx.db, sessionId)).attendance).toHaveLength(0);
  });
});
