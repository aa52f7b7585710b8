import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { grantRole } from '../../server/auth/queries.ts';
import { addMember, createCohort } from '../../server/cohorts/queries.ts';
import type { Db } from '../../server/db/client.ts';
import { oneTimeTokens, users } from '../../server/db/schema.ts';
import { userAgent } from '../helpers.ts';
import { trainerWithCohort, upload, type Agent } from './fixtures.ts';

// A trainer may only ever get sign-in links for accounts their own import created that are still
// pending, and never for an account with a password or a staff role: a link is an account.

async function linksCsv(agent: Agent, cohortId: number): Promise<string> {
  const res = await agent.post(`/cohorts/${cohortId}/links.csv`).buffer(true);
  expect(res.status).toBe(200);
  return res.text;
}

async function tokenCount(db: Db): Promise<number> {
  return (await db.select().from(oneTimeTokens)).length;
}

async function userId(db: Db, email: string): Promise<number> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row!.id;
}

describe('sign-in links a trainer can download', () => {
  it('cover the pending accounts their own import created', async () => {
    const { trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nmine@school.ru\n', { action: 'confirm' });
    expect(await linksCsv(trainer.agent, cohortId)).toContain('mine@school.ru');
  });

  it('never cover a pending account another trainer’s import created, even once it is a member of theirs', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nvictim@school.ru\n', { action: 'confirm' });
    const attacker = await userAgent(ctx, { roles: ['trainer'] });
    const theirs = await createCohort(
      ctx.db,
      { name: 'Theirs', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      attacker.user.id,
    );
    // The attack: list the address in one's own cohort, then ask for its links.
    await upload(attacker.agent, theirs, 'email\nvictim@school.ru\n', { action: 'confirm' });
    // Even added directly (by an administrator), the account is not theirs to hand out.
    await addMember(ctx.db, theirs, await userId(ctx.db, 'victim@school.ru'));
    const before = await tokenCount(ctx.db);
    const csv = await linksCsv(attacker.agent, theirs);
    expect(csv).not.toContain('victim@school.ru');
    expect(csv).not.toContain('/signin/');
    expect(await tokenCount(ctx.db)).toBe(before);
    const send = await attacker.agent
      .post(`/cohorts/${theirs}/links.csv`)
      .type('form')
      .send({ users: String(await userId(ctx.db, 'victim@school.ru')) });
    expect(send.text).not.toContain('/signin/');
  });

  it('never cover an account an administrator has since made a trainer or administrator, and its old links stop working', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const imported = await upload(trainer.agent, cohortId, 'email\nfuture-admin@school.ru\n', { action: 'confirm' });
    const oldLink = /value="http:\/\/localhost:3000(\/signin\/[a-z0-9]+)"/.exec(imported.text)![1]!;
    await grantRole(ctx.db, await userId(ctx.db, 'future-admin@school.ru'), 'admin');
    const before = await tokenCount(ctx.db);
    expect(await linksCsv(trainer.agent, cohortId)).not.toContain('future-admin@school.ru');
    expect(await tokenCount(ctx.db)).toBe(before);
    // The link the trainer was given before the promotion no longer signs anyone in.
    const visitor = (await userAgent(ctx)).agent;
    await visitor.post('/logout');
    expect((await visitor.get(oldLink)).status).toBe(404);
    const res = await visitor.post(oldLink).type('form').send({ password: 'a brand new passphrase 9' });
    expect(res.status).toBe(404);
    const [account] = await ctx.db.select().from(users).where(eq(users.email, 'future-admin@school.ru'));
    expect(account!.passwordHash).toBeNull();
  });

  it('never cover an account that has a password', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nset@school.ru\n', { action: 'confirm' });
    await ctx.db.update(users).set({ passwordHash: 'x' }).where(eq(users.email, 'set@school.ru'));
    expect(await linksCsv(trainer.agent, cohortId)).not.toContain('set@school.ru');
  });

  it('an administrator gets links for any pending member', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nsomeone@school.ru\n', { action: 'confirm' });
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const other = await createCohort(
      ctx.db,
      { name: 'Admin’s', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      admin.user.id,
    );
    await upload(admin.agent, other, 'email\nsomeone@school.ru\n', { action: 'confirm' });
    expect(await linksCsv(admin.agent, other)).toContain('someone@school.ru');
  });
});
