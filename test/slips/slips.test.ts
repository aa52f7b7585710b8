import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../server/auth/tokens.ts';
import { createCohort } from '../../server/cohorts/queries.ts';
import { users } from '../../server/db/schema.ts';
import { trainerWithCohort } from '../cohorts/fixtures.ts';
import { agent } from '../helpers.ts';
import { EN_HEADING, expectedGrid, importLearners, linkUris, pdfLines, postSlips, qrGrids, RU_HEADING, signinTokens, userIdOf } from './fixtures.ts';

const LEARNERS: [string, string, 'en' | 'ru'][] = [
  ['anna@school.ru', 'Анна Иванова', 'ru'],
  ['boris@school.ru', 'Борис Ёлкин', 'ru'],
  ['carol@school.org', 'Carol Smith', 'en'],
  ['dan@school.org', 'Dan Brown', 'en'],
  ['eve@school.org', 'Eve Adams', 'en'],
];

async function cohortWithLearners() {
  const setup = await trainerWithCohort();
  await importLearners(setup.ctx.db, setup.trainer.agent, setup.cohortId, LEARNERS);
  return setup;
}

describe('POST /cohorts/:id/slips.pdf', () => {
  it('answers an A4 PDF download with a slip for every member who still needs a link, each in the learner’s language', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearners();
    const res = await postSlips(trainer.agent, cohortId);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="cohort-${cohortId}-yakutsk-spring-signin-slips.pdf"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Five slips at four to a page: two A4 pages.
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[([^\]]*)\]/g)].map((m) => m[1]!.trim());
    expect(boxes).toEqual(['0 0 595.28 841.89', '0 0 595.28 841.89']);
    const lines = pdfLines(pdf);
    // Each slip reads: platform, cohort, heading, name. The heading just above a name is in that learner's language.
    for (const [, name, lang] of LEARNERS) {
      const at = lines.indexOf(name);
      expect(at, name).toBeGreaterThan(0);
      expect(lines[at - 1]).toBe(lang === 'ru' ? RU_HEADING : EN_HEADING);
    }
    expect(lines.filter((l) => l === RU_HEADING)).toHaveLength(2);
    expect(lines.filter((l) => l === EN_HEADING)).toHaveLength(3);
    expect(lines).toContain('Сайт: localhost:3000');
    expect(lines).toContain('Site: localhost:3000');
    expect(lines).toContain('Группа: Yakutsk spring');
    expect(lines.filter((l) => l === 'ICT-CFT Teacher Platform')).toHaveLength(5);
    // The expiry is the sign-in link lifetime (72 hours) from now, in each language.
    const expiry = new Date(Date.now() + 72 * 3600 * 1000);
    const day = expiry.getUTCDate();
    expect(lines.join('\n')).toMatch(new RegExp(`until ${day} \\w+ ${expiry.getUTCFullYear()}`));
    expect(lines.join('\n')).toMatch(new RegExp(`до ${day} [а-я]+ ${expiry.getUTCFullYear()}`));
    // One fresh token per learner, made by the trainer, exactly as links.csv makes them.
    const tokens = await signinTokens(ctx.db);
    const ids = await Promise.all(LEARNERS.map(([email]) => userIdOf(ctx.db, email)));
    expect(tokens.map((t) => t.userId).sort()).toEqual([...ids].sort());
    expect(tokens.every((t) => t.createdBy === trainer.user.id && (t.expiresAt ?? 0) > Date.now() + 71 * 3600 * 1000)).toBe(true);
  });

  it('prints on each slip a QR code of a personal link that signs the learner in', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearners();
    const pdf = (await postSlips(trainer.agent, cohortId, String(await userIdOf(ctx.db, 'anna@school.ru')))).body as Buffer;
    const [link, ...others] = linkUris(pdf);
    expect(others).toEqual([]);
    expect(link).toMatch(/^http:\/\/localhost:3000\/signin\/[a-z0-9]{20,}$/);
    // No QR decoder is installed: the grid drawn in the PDF must be, module for module, the QR code of that link.
    const grids = qrGrids(pdf);
    expect(grids).toHaveLength(1);
    expect(grids[0]).toEqual(expectedGrid(link!));
    // The link is printed in full for typing, and stands for a token of Anna's.
    expect(pdfLines(pdf).join('')).toContain(link!.slice('http://localhost:3000'.length));
    const token = link!.split('/').at(-1)!;
    const [row] = (await signinTokens(ctx.db)).filter((t) => t.id === hashToken(token));
    expect(row?.userId).toBe(await userIdOf(ctx.db, 'anna@school.ru'));

    const learner = agent(ctx.app);
    const path = new URL(link!).pathname;
    const page = await learner.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('anna@school.ru');
    const set = await learner.post(path).type('form').send({ password: 'a brand new passphrase 9' });
    expect(set.status).toBe(303);
    const dashboard = await learner.get('/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Анна Иванова');
    const [account] = await ctx.db.select().from(users).where(eq(users.email, 'anna@school.ru'));
    expect(account!.passwordHash).not.toBeNull();
  });

  it('prints only the selected learners, chosen as "1,2" or as repeated fields', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearners();
    const anna = String(await userIdOf(ctx.db, 'anna@school.ru'));
    const carol = String(await userIdOf(ctx.db, 'carol@school.org'));
    for (const users of [`${anna},${carol}`, [anna, carol]]) {
      const res = await postSlips(trainer.agent, cohortId, users);
      expect(res.status).toBe(200);
      const lines = pdfLines(res.body as Buffer);
      expect(lines).toContain('Анна Иванова');
      expect(lines).toContain('Carol Smith');
      expect(lines).not.toContain('Dan Brown');
      expect(linkUris(res.body as Buffer)).toHaveLength(2);
    }
    expect(await signinTokens(ctx.db)).toHaveLength(4);
  });

  it('gives no slip to a member who has chosen a password, even when selected', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearners();
    await ctx.db.update(users).set({ passwordHash: 'x' }).where(eq(users.email, 'dan@school.org'));
    const dan = String(await userIdOf(ctx.db, 'dan@school.org'));
    const alone = await postSlips(trainer.agent, cohortId, dan);
    expect(alone.status).toBe(422);
    expect(await signinTokens(ctx.db)).toHaveLength(0);
    const all = await postSlips(trainer.agent, cohortId);
    expect(all.status).toBe(200);
    expect(pdfLines(all.body as Buffer)).not.toContain('Dan Brown');
    expect(await signinTokens(ctx.db)).toHaveLength(4);
  });

  it('answers 422 with a message and makes nothing for an empty or foreign selection', async () => {
    const { ctx, trainer, cohortId, courses } = await cohortWithLearners();
    // A pending account of the same trainer, but in another cohort of theirs: not a member of this one.
    const other = await createCohort(
      ctx.db,
      { name: 'Other', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    await importLearners(ctx.db, trainer.agent, other, [['outsider@school.org', 'Olga Outsider', 'en']]);
    const outsider = String(await userIdOf(ctx.db, 'outsider@school.org'));
    for (const selection of ['', 'abc', outsider, '999999', [outsider, '0']]) {
      const res = await postSlips(trainer.agent, cohortId, selection);
      expect(res.status, String(selection)).toBe(422);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body.toString()).toContain('There is nobody to print a slip for');
      expect(res.body.toString()).not.toContain('Olga Outsider');
    }
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });

  it('says so in the trainer’s language when the cohort has nobody left to print', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const res = await postSlips(trainer.agent, cohortId, undefined, 'ru');
    expect(res.status).toBe(422);
    expect(res.body.toString()).toContain('Печатать листки некому');
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });
});
