import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMembers, enrolments, users } from '../../server/db/schema.ts';
import { certify } from '../certificates/fixtures.ts';
import { makeUser, signedIn, userAgent } from '../helpers.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { counts, trainerWithCohort, upload } from './fixtures.ts';

// An existing account listed in a trainer's CSV is invited, never added: the trainer sees
// "invited" and nothing else until its owner accepts on the dashboard.

async function membership(ctx: { db: Parameters<typeof counts>[0] }, cohortId: number, userId: number) {
  const [row] = await ctx.db
    .select()
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)));
  return row;
}

async function enrolmentsOf(ctx: { db: Parameters<typeof counts>[0] }, userId: number) {
  return ctx.db.select().from(enrolments).where(eq(enrolments.userId, userId));
}

async function existingTeacher(ctx: Awaited<ReturnType<typeof trainerWithCohort>>['ctx']) {
  return makeUser(ctx.db, { email: 'vera@school.ru', name: 'Vera Secret-Surname', school: 'Hidden School 9', language: 'ru' });
}

describe('the import preview', () => {
  it('does not tell a trainer which addresses have accounts', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    await existingTeacher(ctx);
    const res = await upload(trainer.agent, cohortId, 'email,name\nvera@school.ru,Vera\nnobody@school.ru,Nobody\n');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Existing account');
    expect(res.text).not.toContain('New account');
    const rowOf = (email: string) => new RegExp(`<td>${email}</td>[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
    // Both rows read the same, but for the address and name typed.
    expect(rowOf('vera@school.ru').replace('vera@school.ru', '').replace('Vera', '')).toBe(
      rowOf('nobody@school.ru').replace('nobody@school.ru', '').replace('Nobody', ''),
    );
    expect(rowOf('vera@school.ru')).toContain('Will be added or invited');
    expect(res.text).toContain('Will be added or invited</span> 2');
  });

  it('still shows an administrator which rows are new accounts', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    await existingTeacher(ctx);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const res = await upload(admin.agent, cohortId, 'email,name\nvera@school.ru,Vera\nnobody@school.ru,Nobody\n');
    expect(res.text).toMatch(/<td>vera@school.ru<\/td>[\s\S]*?Existing account, will be added/);
    expect(res.text).toMatch(/<td>nobody@school.ru<\/td>[\s\S]*?New account/);
  });
});

describe('confirming an import that lists an existing account', () => {
  it('invites it: no enrolment, and the trainer sees only the address and "Invited"', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    const res = await upload(trainer.agent, cohortId, 'email,name\nvera@school.ru,Vera\n', { action: 'confirm' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('1 invited: they join when they accept');
    expect(await membership(ctx, cohortId, vera.id)).toMatchObject({ status: 'invited', invitedBy: trainer.user.id });
    expect(await enrolmentsOf(ctx, vera.id)).toHaveLength(0);

    const members = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    expect(members.text).toContain('vera@school.ru');
    expect(members.text).toContain('Invited');
    expect(members.text).not.toContain('Vera Secret-Surname');
    expect(members.text).not.toContain('Hidden School 9');
    // A search by name must not find her either (that would confirm the name).
    expect((await trainer.agent.get(`/cohorts/${cohortId}/members?q=Secret`)).text).not.toContain('vera@school.ru');

    for (const path of [`/cohorts/${cohortId}`, `/cohorts/${cohortId}/progress.csv`]) {
      const page = await trainer.agent.get(path).buffer(true);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain('vera@school.ru');
      expect(page.text, path).not.toContain('Vera Secret-Surname');
    }
    expect((await trainer.agent.get('/cohorts')).text).toMatch(/Yakutsk spring[\s\S]*?0 members|Yakutsk spring/);
  });

  it('adds it directly when an administrator imports', async () => {
    const { ctx, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    const admin = await userAgent(ctx, { roles: ['admin'] });
    await upload(admin.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('active');
    expect(await enrolmentsOf(ctx, vera.id)).toHaveLength(2);
  });

  it('adds directly a pending account the same trainer’s own earlier import created', async () => {
    const { ctx, trainer, cohortId, courses } = await trainerWithCohort();
    await upload(trainer.agent, cohortId, 'email\nnew@school.ru\n', { action: 'confirm' });
    const { createCohort } = await import('../../server/cohorts/queries.ts');
    const second = await createCohort(
      ctx.db,
      { name: 'Second', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' },
      trainer.user.id,
    );
    await upload(trainer.agent, second, 'email\nnew@school.ru\n', { action: 'confirm' });
    const id = (await ctx.db.select().from(users).where(eq(users.email, 'new@school.ru')))[0]!.id;
    expect((await membership(ctx, second, id))?.status).toBe('active');
  });
});

describe('POST /invitations/:id/accept and /decline', () => {
  it('shows the invitation on the owner’s dashboard; accepting joins and enrols', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    const owner = await signedIn(ctx.app, vera.email);
    const dashboard = await owner.get('/dashboard');
    expect(dashboard.text).toContain('Yakutsk spring');
    expect(dashboard.text).toContain(`action="/invitations/${cohortId}/accept"`);
    expect(dashboard.text).toContain(trainer.user.name);

    const res = await owner.post(`/invitations/${cohortId}/accept`);
    expect(res.status).toBe(303);
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('active');
    expect(await enrolmentsOf(ctx, vera.id)).toHaveLength(2);
    expect((await owner.get('/dashboard')).text).not.toContain(`/invitations/${cohortId}/accept`);
    const members = await trainer.agent.get(`/cohorts/${cohortId}/members`);
    expect(members.text).toContain('Vera Secret-Surname');
    expect((await trainer.agent.get(`/cohorts/${cohortId}`)).text).toContain('Vera Secret-Surname');
  });

  it('declining keeps the person out, and importing the same file again does not invite again', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    const owner = await signedIn(ctx.app, vera.email);
    expect((await owner.post(`/invitations/${cohortId}/decline`)).status).toBe(303);
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('declined');
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('declined');
    expect(await enrolmentsOf(ctx, vera.id)).toHaveLength(0);
    expect((await owner.get('/dashboard')).text).not.toContain('/invitations/');
    // An answered invitation cannot be answered again.
    expect((await owner.post(`/invitations/${cohortId}/accept`)).status).toBe(404);
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('declined');
  });

  it('answers 404 to anyone but the invited person, and changes nothing', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    const before = await counts(ctx.db, cohortId);
    const other = await userAgent(ctx);
    expect((await other.agent.post(`/invitations/${cohortId}/accept`)).status).toBe(404);
    expect((await trainer.agent.post(`/invitations/${cohortId}/accept`)).status).toBe(404);
    expect((await other.agent.post('/invitations/abc/accept')).status).toBe(404);
    expect(await counts(ctx.db, cohortId)).toEqual({ ...before, users: before.users + 1 });
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('invited');
  });

  it('neither shows nor accepts an invitation while the address is unproven', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    await ctx.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, vera.id));
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    const owner = await signedIn(ctx.app, vera.email);
    expect((await owner.get('/dashboard')).text).not.toContain('/invitations/');
    expect((await owner.post(`/invitations/${cohortId}/accept`)).status).toBe(404);
    expect((await membership(ctx, cohortId, vera.id))?.status).toBe('invited');
    expect(await enrolmentsOf(ctx, vera.id)).toHaveLength(0);
  });
});

describe('invitation e-mails', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  it('tells the invited person, in their language, where to answer; nothing goes to an unproven address', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort({ env: { SMTP_URL: smtp.url } });
    await existingTeacher(ctx);
    const unproven = await makeUser(ctx.db, { email: 'unproven@school.ru' });
    await ctx.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, unproven.id));
    const res = await upload(trainer.agent, cohortId, 'email\nvera@school.ru\nunproven@school.ru\n', { action: 'confirm' });
    expect(res.status).toBe(200);
    await smtp.waitFor(1);
    const [mail] = smtp.to('vera@school.ru');
    expect(mail!.subject).toContain('приглашает вас в группу «Yakutsk spring»');
    expect(mail!.text).toContain('http://localhost:3000/dashboard#invitations');
    expect(mail!.text).toContain(trainer.user.name);
    expect(smtp.to('unproven@school.ru')).toHaveLength(0);
  });
});

describe('a trainer’s view of someone they only invited', () => {
  it('gives no certificate PDF of theirs (404) until they accept', async () => {
    const { ctx, trainer, cohortId } = await trainerWithCohort();
    const vera = await existingTeacher(ctx);
    const code = await certify(ctx, vera.id);
    await upload(trainer.agent, cohortId, 'email\nvera@school.ru\n', { action: 'confirm' });
    expect((await trainer.agent.get(`/certificates/${code}.pdf`)).status).toBe(404);
    const owner = await signedIn(ctx.app, vera.email);
    await owner.post(`/invitations/${cohortId}/accept`);
    expect((await trainer.agent.get(`/certificates/${code}.pdf`)).status).toBe(200);
  });
});
