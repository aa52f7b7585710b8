import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../server/http/spreadsheet.ts';
import type { TransportFactory } from '../../server/cohorts/mail.ts';
import { addMember } from '../../server/cohorts/queries.ts';
import { moduleProgress, oneTimeTokens, users } from '../../server/db/schema.ts';
import { binaryBody, makeUser } from '../helpers.ts';
import { trainerWithCohort, upload } from './fixtures.ts';

/** A cohort whose members' names and schools try formula injection. */
async function hostileCohort() {
  const setup = await trainerWithCohort();
  const { ctx, cohortId, courses } = setup;
  const names = ['=HYPERLINK("http://evil.example","Click")', '+1+1', '-2+3', '@SUM(A1:A9)', '\tTabbed', '\rReturn', 'Plain Name'];
  for (const [i, name] of names.entries()) {
    const u = await makeUser(ctx.db, { name, email: `p${i}@school.org`, school: i === 0 ? '=cmd|"/c calc"!A1' : 'Safe School' });
    await addMember(ctx.db, cohortId, u.id);
  }
  const first = (await ctx.db.select().from(users).where(eq(users.email, 'p6@school.org')))[0]!;
  const moduleId = courses[0]!.modules[0]!.id;
  await ctx.db
    .insert(moduleProgress)
    .values({ userId: first.id, moduleId, status: 'completed', firstViewedAt: 1, completedAt: 1, lastActivityAt: Date.UTC(2026, 0, 2, 3, 4) });
  return setup;
}

describe('neutraliseFormula', () => {
  it('prefixes text that a spreadsheet would run as a formula, and leaves the rest', () => {
    for (const v of ['=1+1', '+1', '-1', '@x', '\tx', '\rx']) expect(neutraliseFormula(v)).toBe(`'${v}`);
    for (const v of ['Ann', ' =1', '', 'a=b']) expect(neutraliseFormula(v)).toBe(v);
    expect(neutraliseFormula(-5)).toBe(-5);
    expect(neutraliseFormula(null)).toBe(null);
  });
});

describe('GET /cohorts/:id/progress.csv', () => {
  it('exports every member as UTF-8 CSV with a BOM, formula cells neutralised', async () => {
    const { trainer, cohortId } = await hostileCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?cohort-\d+-yakutsk-spring-progress\.csv/);
    expect(
      res.text.startsWith(
        '\uFEFF"Name","Email","School","Region","Country","Progress (%)","Modules completed","Modules in total","Last activity","Overdue","1.1 ',
      ),
    ).toBe(true);
    const lines = res.text.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")","p0@school.org","'=cmd|""/c calc""!A1"`);
    expect(res.text).toContain(`"'+1+1","p1@school.org"`);
    expect(res.text).toContain(`"'-2+3","p2@school.org"`);
    expect(res.text).toContain(`"'@SUM(A1:A9)","p3@school.org"`);
    expect(res.text).toContain(`"'\tTabbed","p4@school.org"`);
    expect(res.text).toContain(`"'\rReturn","p5@school.org"`);
    expect(lines.find((l) => l.startsWith('"Plain Name"'))).toMatch(
      /^"Plain Name","p6@school.org","Safe School",,,10,1,10,"2026-01-02 03:04","no","Done","Not started"/,
    );
  });

  it('exports all members, not just the first page, and honours the filters', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    for (let i = 0; i < 60; i++) await addMember(ctx.db, cohortId, (await makeUser(ctx.db, { school: i < 5 ? 'Tiksi' : 'Other' })).id);
    const all = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv`).buffer(true);
    expect(all.text.trim().split('\r\n')).toHaveLength(61);
    const tiksi = await trainer.agent.get(`/cohorts/${cohortId}/progress.csv?school=Tiksi`).buffer(true);
    expect(tiksi.text.trim().split('\r\n')).toHaveLength(6);
  });
});

describe('GET /cohorts/:id/progress.xlsx', () => {
  it('exports the same data as a workbook, formula cells neutralised', async () => {
    const { trainer, cohortId } = await hostileCohort();
    const res = await trainer.agent.get(`/cohorts/${cohortId}/progress.xlsx`).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(8);
    expect(sheet.getRow(1).getCell(1).value).toBe('Name');
    const byEmail = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, n) => {
      if (n > 1) byEmail.set(String(row.getCell(2).value), row);
    });
    expect(byEmail.get('p0@school.org')!.getCell(1).value).toBe('\'=HYPERLINK("http://evil.example","Click")');
    expect(byEmail.get('p0@school.org')!.getCell(3).value).toBe('\'=cmd|"/c calc"!A1');
    expect(byEmail.get('p1@school.org')!.getCell(1).value).toBe("'+1+1");
    expect(byEmail.get('p2@school.org')!.getCell(1).value).toBe("'-2+3");
    expect(byEmail.get('p3@school.org')!.getCell(1).value).toBe("'@SUM(A1:A9)");
    expect(byEmail.get('p4@school.org')!.getCell(1).value).toBe("'\tTabbed");
    for (const row of byEmail.values()) for (let c = 1; c <= row.cellCount; c++) expect(row.getCell(c).formula).toBeUndefined();
    const plain = byEmail.get('p6@school.org')!;
    expect(plain.getCell(6).value).toBe(10);
    expect(plain.getCell(9).value).toEqual(new Date(Date.UTC(2026, 0, 2, 3, 4)));
    expect(plain.getCell(11).value).toBe('Done');
  });
});

describe('POST /cohorts/:id/links.csv', () => {
  it('gives fresh one-time links (email,name,link) to the members without a password', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email,name\nnew1@school.org,New One\nnew2@school.org,=New Two\n', { action: 'confirm' });
    const active = await makeUser(ctx.db, { email: 'active@school.org' });
    await addMember(ctx.db, cohortId, active.id);
    const res = await trainer.agent.post(`/cohorts/${cohortId}/links.csv`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('"email","name","link"');
    expect(lines).toHaveLength(3);
    const byEmail = (email: string) => lines.find((l) => l.startsWith(`"${email}",`)) ?? '';
    expect(byEmail('new1@school.org')).toMatch(/^"new1@school.org","New One","http:\/\/localhost:3000\/signin\/[a-z0-9]+"$/);
    expect(byEmail('new2@school.org')).toMatch(/^"new2@school.org","'=New Two","http/);
    expect(res.text).not.toContain('active@school.org');
    const link = byEmail('new1@school.org').split(',')[2]!.slice(1, -1);
    expect((await trainer.agent.get(new URL(link).pathname)).status).toBe(200);

    const one = (await ctx.db.select().from(users).where(eq(users.email, 'new2@school.org')))[0]!;
    const only = await trainer.agent
      .post(`/cohorts/${cohortId}/links.csv`)
      .type('form')
      .send({ users: String(one.id) })
      .buffer(true);
    expect(only.text.trim().split('\r\n')).toHaveLength(2);
    expect(only.text).toContain('new2@school.org');
  });

  it('never hands out links for people outside the cohort', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const outsider = (await ctx.db.insert(users).values({ email: 'out@school.org', name: 'Out', createdAt: 1 }).returning())[0];
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/links.csv`)
      .type('form')
      .send({ users: String(outsider.id) })
      .buffer(true);
    expect(res.text.replace(/^\uFEFF/, '').trim()).toBe('"email","name","link"');
    expect(await ctx.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, outsider.id))).toHaveLength(0);
  });
});

describe('POST /cohorts/:id/links/send', () => {
  it('is not offered without SMTP', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const done = await upload(trainer.agent, cohortId, 'email\nnew@school.org\n', { action: 'confirm' });
    expect(done.text).not.toContain('/links/send');
    expect((await trainer.agent.get(`/cohorts/${cohortId}/members`)).text).not.toContain('Send by email');
    expect((await trainer.agent.post(`/cohorts/${cohortId}/links/send`)).status).toBe(404);
  });

  it('sends each new member their link in their language when SMTP is configured', async () => {
    const sent: { to: string; from: string; subject: string; text: string }[] = [];
    const recording: TransportFactory = (url) => {
      expect(url).toBe('smtp://mail.example.org:2525');
      const transport = nodemailer.createTransport({ jsonTransport: true });
      return {
        sendMail: async (message) => {
          const info = await transport.sendMail(message);
          sent.push(JSON.parse(String(info.message)));
          return info;
        },
      };
    };
    const { trainer, cohortId } = await trainerWithCohort({
      env: { SMTP_URL: 'smtp://mail.example.org:2525', MAIL_FROM: 'pd@example.org' },
      mailTransport: recording,
    });
    const done = await upload(trainer.agent, cohortId, 'email,name,language\nolga@school.ru,Ольга,ru\nann@school.org,Ann,en\n', { action: 'confirm' });
    expect(done.text).toContain(`action="/cohorts/${cohortId}/links/send"`);
    const res = await trainer.agent.post(`/cohorts/${cohortId}/links/send`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cohorts/${cohortId}/members?notice=mailSent&sent=2&failed=0`);
    expect(sent.map((m) => JSON.stringify(m.to)).sort()).toEqual([
      JSON.stringify([{ address: 'ann@school.org', name: '' }]),
      JSON.stringify([{ address: 'olga@school.ru', name: '' }]),
    ]);
    const olga = sent.find((m) => JSON.stringify(m.to).includes('olga'))!;
    expect(olga.subject).toBe('Ссылка для входа на ICT-CFT Teacher Platform');
    expect(olga.text).toMatch(/Здравствуйте, Ольга![\s\S]*http:\/\/localhost:3000\/signin\/[a-z0-9]+/);
    expect(JSON.stringify(olga.from)).toContain('pd@example.org');
    const page = await trainer.agent.get(res.headers.location);
    expect(page.text).toContain('Sign-in links sent: 2. Not sent: 0.');
  });

  it('reports addresses the mail server refused', async () => {
    const refusing: TransportFactory = () => ({
      sendMail: async (m) => {
        if (m.to.startsWith('bad')) throw new Error('550 mailbox unavailable');
        return {};
      },
    });
    const { trainer, cohortId } = await trainerWithCohort({ env: { SMTP_URL: 'smtp://mail.example.org' }, mailTransport: refusing });
    await upload(trainer.agent, cohortId, 'email\nbad@school.org\ngood@school.org\n', { action: 'confirm' });
    const res = await trainer.agent.post(`/cohorts/${cohortId}/links/send`);
    expect(res.headers.location).toContain('sent=1&failed=1');
  });
});
