import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/cohorts/queries.ts';
import { cohortMembers, enrolments, learningRecords, oneTimeTokens, userRoles, users } from '../../server/db/schema.ts';
import { makeUser } from '../helpers.ts';
import { counts, trainerWithCohort, upload } from './fixtures.ts';

const LIST = [
  'email,name,school,region,country,language',
  'olga@school.ru,Olga Ivanova,School 3,Sakha,Russia,ru',
  'ann@school.org,Ann Lee,School 7,Nunavut,Canada,en',
  '',
].join('\n');

describe('POST /cohorts/:id/members', () => {
  it('previews rows without writing', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const existing = await makeUser(ctx.db, { email: 'existing@school.org' });
    const member = await makeUser(ctx.db, { email: 'member@school.org' });
    await addMember(ctx.db, cohortId, member.id);
    const before = await counts(ctx.db, cohortId);
    const tokensBefore = (await ctx.db.select({ n: count() }).from(oneTimeTokens))[0]?.n;
    const csv = `${LIST}Existing@School.org,Someone\nmember@school.org,Member\nnot-an-email,Bad\n`;
    const res = await upload(trainer.agent, cohortId, csv);
    expect(res.status).toBe(200);
    expect(await counts(ctx.db, cohortId)).toEqual(before);
    expect((await ctx.db.select({ n: count() }).from(oneTimeTokens))[0]?.n).toBe(tokensBefore);
    expect(res.headers['cache-control']).toBe('no-store');
    // Row by row: the line number, the email and what will happen.
    // A trainer is not told which addresses have accounts (see invitations.test.ts).
    expect(res.text).toMatch(/<td class="num">2<\/td>\s*<td>olga@school.ru<\/td>[\s\S]*?Will be added or invited/);
    expect(res.text).toMatch(/<td class="num">4<\/td>\s*<td>existing@school.org<\/td>[\s\S]*?Will be added or invited/);
    expect(res.text).toMatch(/<td class="num">5<\/td>\s*<td>member@school.org<\/td>[\s\S]*?Already in the cohort/);
    expect(res.text).toMatch(/<td class="num">6<\/td>\s*<td>not-an-email<\/td>[\s\S]*?This is not a valid email address./);
    expect(res.text).toContain('Confirm: enrol 3 teachers');
    // The parsed text travels with the confirm form.
    expect(res.text).toContain('<textarea name="csv" hidden aria-hidden="true">\nemail,name,school');
    expect(existing.id).toBeGreaterThan(0);
  });

  it('creates accounts, memberships and enrolments in every course on confirm, with sign-in links', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    const res = await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('2 teachers were added to Yakutsk spring');
    const olga = (await ctx.db.select().from(users).where(eq(users.email, 'olga@school.ru')))[0]!;
    expect(olga).toMatchObject({ name: 'Olga Ivanova', school: 'School 3', region: 'Sakha', country: 'Russia', language: 'ru', passwordHash: null });
    expect((await ctx.db.select().from(userRoles).where(eq(userRoles.userId, olga.id))).map((r) => r.role)).toEqual(['teacher']);
    expect((await counts(ctx.db, cohortId)).members).toBe(2);
    const enrolled = await ctx.db.select().from(enrolments).where(eq(enrolments.userId, olga.id));
    expect(enrolled.map((e) => e.courseId).sort()).toEqual(courses.map((c) => c.id).sort());
    const links = [...res.text.matchAll(/value="(http:\/\/localhost:3000\/signin\/[a-z0-9]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    const [token] = await ctx.db
      .select()
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.userId, olga.id), eq(oneTimeTokens.createdBy, trainer.user.id)));
    expect(token?.purpose).toBe('signin');
    // The link really lets the new teacher in.
    const page = await trainer.agent.get(new URL(links[0]!).pathname);
    expect(page.status).toBe(200);
  });

  it('changes nothing when the same file is run again', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    const before = {
      ...(await counts(ctx.db, cohortId)),
      records: (await ctx.db.select({ n: count() }).from(learningRecords))[0]?.n,
      tokens: (await ctx.db.select({ n: count() }).from(oneTimeTokens))[0]?.n,
    };
    const preview = await upload(trainer.agent, cohortId, LIST);
    expect(preview.text).toContain('There is nothing to add');
    expect(preview.text).not.toContain('name="action" value="confirm"');
    const again = await upload(trainer.agent, cohortId, LIST, { action: 'confirm' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('0 teachers were added');
    expect(again.text).toContain('2 were already members');
    expect(again.text).not.toContain('/signin/');
    const after = {
      ...(await counts(ctx.db, cohortId)),
      records: (await ctx.db.select({ n: count() }).from(learningRecords))[0]?.n,
      tokens: (await ctx.db.select({ n: count() }).from(oneTimeTokens))[0]?.n,
    };
    expect(after).toEqual(before);
  });

  it('invites people who already have an account, without touching their profile or enrolling them', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const anna = await makeUser(ctx.db, { email: 'anna@school.org', name: 'Anna Real', school: 'Her own school' });
    await upload(trainer.agent, cohortId, 'email,name,school\nanna@school.org,Wrong Name,Wrong School\n', { action: 'confirm' });
    expect((await ctx.db.select().from(users).where(eq(users.id, anna.id)))[0]).toMatchObject({ name: 'Anna Real', school: 'Her own school' });
    expect(await ctx.db.select().from(cohortMembers).where(eq(cohortMembers.userId, anna.id))).toEqual([expect.objectContaining({ status: 'invited' })]);
    expect(await ctx.db.select().from(enrolments).where(eq(enrolments.userId, anna.id))).toHaveLength(0);
  });

  it('reads semicolon-separated files with a byte-order mark and headers in any case', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const csv = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(' EMAIL ; Name ;School;Language\r\nivan@school.ru;Иванов, Иван;Школа №1;RU\r\n"pat@school.org";"Pat ""PJ"" Doe";;English\r\n', 'utf8'),
    ]);
    const preview = await upload(trainer.agent, cohortId, csv);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Иванов, Иван');
    expect(preview.text).toContain('Confirm: enrol 2 teachers');
    await upload(trainer.agent, cohortId, csv, { action: 'confirm' });
    expect((await ctx.db.select().from(users).where(eq(users.email, 'ivan@school.ru')))[0]).toMatchObject({
      name: 'Иванов, Иван',
      school: 'Школа №1',
      language: 'ru',
    });
    expect((await ctx.db.select().from(users).where(eq(users.email, 'pat@school.org')))[0]).toMatchObject({ name: 'Pat "PJ" Doe', language: 'en' });
  });

  it('reports malformed rows with their line numbers and still applies the good ones', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const csv = [
      'email,name,language',
      'good@school.org,Good,en', // 2
      ',No Email,en', // 3
      'not an email,Bad,en', // 4
      'GOOD@school.org,Again,en', // 5: duplicate of line 2
      '', // 6: blank lines are skipped but still counted
      '"multi@school.org","Two',
      'lines",en', // 7-8
      'lang@school.org,Lang,fr', // 9
      'extra@school.org,Extra,en,surprise', // 10
      'late@school.org,Late', // 11: fewer columns is fine
    ].join('\n');
    const res = await upload(trainer.agent, cohortId, csv);
    expect(res.status).toBe(200);
    const row = (line: number) => new RegExp(`<td class="num">${line}</td>[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(row(3)).toContain('The email is missing.');
    expect(row(4)).toContain('This is not a valid email address.');
    expect(row(5)).toContain('This email already appears on line 2.');
    expect(row(7)).toContain('multi@school.org');
    expect(row(7)).toContain('Will be added or invited');
    expect(row(9)).toContain('Unknown language &#34;fr&#34;');
    expect(row(10)).toContain('The row has 4 columns but the first line names only 3.');
    expect(row(11)).toContain('Will be added or invited');
    expect(res.text).toContain('5 rows with problems');

    const done = await upload(trainer.agent, cohortId, csv, { action: 'confirm' });
    expect(done.status).toBe(200);
    expect((await counts(ctx.db, cohortId)).members).toBe(3);
    expect((await ctx.db.select().from(users).where(eq(users.email, 'good@school.org')))[0]?.name).toBe('Good');
    expect((await ctx.db.select().from(users).where(eq(users.email, 'multi@school.org')))[0]?.name).toBe('Two\nlines');
    expect(done.text).toContain('5 rows not imported');
  });

  it('offers the bad rows as CSV with every column of the file and an error column', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const csv = 'Title of the list\nemail;Class;name\nok@school.org;5A;Ok\nbroken;6B;Broken;extra\n=cmd@x;;\nok@school.org;7C;Again\n';
    const res = await trainer.agent.post(`/cohorts/${cohortId}/members/errors.csv`).field('csv', csv).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?cohort-\d+-yakutsk-spring-errors\.csv/);
    expect(res.text).toBe(
      '\uFEFF"email","Class","name",,"Error"\r\n' +
        '"broken","6B","Broken","extra","Line 4: The row has 4 columns but the first line names only 3. A value may contain an unquoted comma or semicolon."\r\n' +
        '"\'=cmd@x",,,,"Line 5: This is not a valid email address."\r\n' +
        '"ok@school.org","7C","Again",,"Line 6: This email already appears on line 3."\r\n',
    );
  });

  it('accepts a pasted list', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const res = await trainer.agent
      .post(`/cohorts/${cohortId}/members`)
      .type('form')
      .send({ action: 'confirm', csv: 'email;name\r\npasted@school.org;Pasted\r\n' });
    expect(res.status).toBe(200);
    expect((await ctx.db.select().from(users).where(eq(users.email, 'pasted@school.org')))[0]?.name).toBe('Pasted');
  });

  it('names a new account after its address when the row has no name', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nanon.teacher@school.org\n', { action: 'confirm' });
    expect((await ctx.db.select().from(users).where(eq(users.email, 'anon.teacher@school.org')))[0]?.name).toBe('anon.teacher');
  });

  it('refuses a file over 2 MB with a clear message and writes nothing', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const before = await counts(ctx.db, cohortId);
    const big = `email,name\n${'x@school.org,Someone with a long name\n'.repeat(60_000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
    const res = await upload(trainer.agent, cohortId, big, { action: 'confirm' });
    expect(res.status).toBe(413);
    expect(res.text).toContain('The file is larger than 2 MB. Split it into smaller files. Nothing was saved.');
    expect(await counts(ctx.db, cohortId)).toEqual(before);
  });

  it('refuses more than 10,000 rows', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const rows = Array.from({ length: 10_001 }, (_, i) => `t${i}@s.org`).join('\n');
    const res = await upload(trainer.agent, cohortId, `email\n${rows}\n`, { action: 'confirm' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The file has 10001 rows; at most 10000 can be enrolled at once.');
    expect((await counts(ctx.db, cohortId)).members).toBe(0);
  });

  it('refuses uploads that are not CSV text', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const before = await counts(ctx.db, cohortId);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    const cases = [
      { body: png, filename: 'photo.png', contentType: 'image/png', message: 'This file is not a CSV text file.' },
      { body: png, filename: 'list.csv', contentType: 'text/csv', message: 'This file is not a CSV text file.' },
      {
        body: Buffer.from('PK\u0003\u0004rest'),
        filename: 'list.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        message: 'list.xlsx: This file could not be read as an Excel workbook (.xlsx)',
      },
      { body: Buffer.from('%PDF-1.7'), filename: 'list.pdf', contentType: 'application/pdf', message: 'This file is not a CSV text file.' },
      {
        body: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]),
        filename: 'latin1.csv',
        contentType: 'text/csv',
        message: 'latin1.csv: The text encoding of this file could not be recognised',
      },
    ];
    for (const c of cases) {
      const res = await upload(trainer.agent, cohortId, c.body, { action: 'confirm', filename: c.filename, contentType: c.contentType });
      expect(res.status, c.filename).toBe(422);
      expect(res.text, c.filename).toContain(c.message);
      expect(res.text, c.filename).toContain('role="alert"');
    }
    expect(await counts(ctx.db, cohortId)).toEqual(before);
  });

  it('explains a file without an email column, an empty file and an unclosed quote', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    const noEmail = await upload(trainer.agent, cohortId, 'name,school\nAnn,School\n');
    expect(noEmail.status).toBe(422);
    expect(noEmail.text).toContain('list.csv: None of the first 10 rows names the columns with an &#34;email&#34; column');
    const empty = await upload(trainer.agent, cohortId, '\n\n');
    expect(empty.text).toContain('The file is empty.');
    const quote = await upload(trainer.agent, cohortId, 'email,name\na@b.org,"Ann\nb@b.org,Bob\n');
    expect(quote.status).toBe(422);
    expect(quote.text).toContain('near line 2');
    const nothing = await trainer.agent.post(`/cohorts/${cohortId}/members`).field('action', 'preview');
    expect(nothing.status).toBe(422);
    expect(nothing.text).toContain('Choose a CSV file or paste a list first.');
  });
});
