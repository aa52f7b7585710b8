import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { competencyEvidence, learningRecords } from '../../server/db/schema.ts';
import { recognitionsOfTeacher } from '../../server/recognition/queries.ts';
import { userAgent } from '../helpers.ts';
import { makeCohort, recognitionRows, submitted, useRecognitionSetup } from './fixtures.ts';

const setup = useRecognitionSetup();
const SATISFIED = 'http://adlnet.gov/expapi/verbs/satisfied';

async function evidenceOf(db: Parameters<typeof recognitionRows>[0], userId: number) {
  return db.select().from(competencyEvidence).where(eq(competencyEvidence.userId, userId)).orderBy(competencyEvidence.competency);
}
async function statementsOf(db: Parameters<typeof recognitionRows>[0], userId: number) {
  return db
    .select()
    .from(learningRecords)
    .where(and(eq(learningRecords.userId, userId), eq(learningRecords.verb, SATISFIED)));
}

describe('GET /recognition/:id', () => {
  it('shows the request to its owner, an administrator and the trainer of the owner’s cohort; 404 to others', async () => {
    const { ctx, teacher, trainer, admin } = await setup();
    const id = await submitted(ctx, teacher);
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    const otherTeacher = await userAgent(ctx);
    // A cohort that only invited the teacher gives its trainer no access.
    const invitingTrainer = await userAgent(ctx, { roles: ['trainer'] });
    await makeCohort(ctx.db, invitingTrainer.user.id, [teacher.user.id], 'invited');
    for (const who of [teacher, trainer, admin]) {
      const res = await who.agent.get(`/recognition/${id}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Digital pedagogy for primary teachers');
      expect(res.text).toContain('<a href="https://example.org/certificates/123" rel="noopener nofollow ugc"');
      expect(res.text).toContain('KD.3');
    }
    for (const who of [otherTrainer, otherTeacher, invitingTrainer]) expect((await who.agent.get(`/recognition/${id}`)).status).toBe(404);
    expect((await teacher.agent.get('/recognition/999999')).status).toBe(404);
    expect((await teacher.agent.get('/recognition/abc')).status).toBe(404);
  });

  it('gives reviewers the decision forms with the claimed competencies ticked, and the owner none', async () => {
    const { ctx, teacher, trainer } = await setup();
    const id = await submitted(ctx, teacher);
    const review = await trainer.agent.get(`/recognition/${id}`);
    expect(review.text.match(/name="competencies" value="(K[ADC]\.\d)" checked/g)).toHaveLength(3);
    expect(review.text).toContain('name="reason"');
    expect(review.text).toContain('Tamara Teacher');
    const own = await teacher.agent.get(`/recognition/${id}`);
    expect(own.text).not.toContain('name="reason"');
    expect(own.text).toContain(`action="/recognition/${id}/withdraw"`);
  });
});

describe('GET /recognition/review', () => {
  it('lists waiting requests of the trainer’s cohorts oldest first; admins see all; teachers get 403', async () => {
    const { ctx, teacher, trainer, admin } = await setup();
    const outsider = await userAgent(ctx, { name: 'Oscar Outsider' });
    const first = await submitted(ctx, teacher, { title: 'First course' });
    await submitted(ctx, outsider, { title: 'Outside course' });
    const second = await submitted(ctx, teacher, { title: 'Second course' });
    const res = await trainer.agent.get('/recognition/review');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Waiting: 2 requests');
    expect(res.text).not.toContain('Outside course');
    expect(res.text.indexOf(`/recognition/${first}"`)).toBeLessThan(res.text.indexOf(`/recognition/${second}"`));
    const all = await admin.agent.get('/recognition/review');
    expect(all.text).toContain('Outside course');
    expect(all.text).toContain('Waiting: 3 requests');
    expect((await teacher.agent.get('/recognition/review')).status).toBe(403);
  });

  it('moves a decided request to "recently decided" with who decided', async () => {
    const { ctx, teacher, trainer } = await setup();
    const id = await submitted(ctx, teacher);
    await trainer.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'reject', reason: 'The certificate link is broken.' });
    const res = await trainer.agent.get('/recognition/review');
    expect(res.text).toContain('No requests are waiting.');
    expect(res.text).toContain('Not recognised');
    expect(res.text).toContain('Decided by Trevor Trainer');
  });
});

describe('POST /recognition/:id/decision', () => {
  it('approves all claimed competencies: recognised evidence, an xAPI statement and a mail in the teacher’s language', async () => {
    const { ctx, smtp, teacher, trainer } = await setup({ language: 'ru' });
    const id = await submitted(ctx, teacher);
    const res = await trainer.agent
      .post(`/recognition/${id}/decision`)
      .type('form')
      .send('decision=approve&competencies=KA.1&competencies=KD.3&competencies=KC.2');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/recognition/review?notice=decided');
    const [row] = await recognitionRows(ctx.db);
    expect(row).toMatchObject({ status: 'approved', decidedBy: trainer.user.id, reason: null });
    expect(row!.decidedAt).toBeGreaterThan(0);
    const evidence = await evidenceOf(ctx.db, teacher.user.id);
    expect(evidence.map((e) => [e.competency, e.kind, e.source, e.assessorId, e.moduleId])).toEqual([
      ['KA.1', 'recognised', `recognition:${id}`, trainer.user.id, null],
      ['KC.2', 'recognised', `recognition:${id}`, trainer.user.id, null],
      ['KD.3', 'recognised', `recognition:${id}`, trainer.user.id, null],
    ]);
    const [record] = await statementsOf(ctx.db, teacher.user.id);
    expect(record!.statement).toMatchObject({
      actor: { account: { name: String(teacher.user.id) } },
      verb: { id: SATISFIED },
      object: { id: `${ctx.config.baseUrl}/recognition/${id}`, definition: { name: { und: 'Digital pedagogy for primary teachers' } } },
      context: { instructor: { account: { name: String(trainer.user.id) } } },
    });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual([teacher.user.email]);
    expect(mail!.subject).toContain('Ваше обучение признано');
    expect(mail!.text).toContain('KD.3');
    expect(mail!.text).toContain(`${ctx.config.baseUrl}/recognition/${id}`);
    const page = await teacher.agent.get('/recognition?lang=ru');
    expect(page.text).toContain('Признано');
  });

  it('approves a subset: evidence only for the competencies ticked', async () => {
    const { ctx, smtp, teacher, admin } = await setup();
    const id = await submitted(ctx, teacher);
    const res = await admin.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'approve', competencies: 'KD.3' });
    expect(res.status).toBe(303);
    expect((await evidenceOf(ctx.db, teacher.user.id)).map((e) => [e.competency, e.assessorId])).toEqual([['KD.3', admin.user.id]]);
    const page = await teacher.agent.get(`/recognition/${id}`);
    expect(page.text).toMatch(/KD\.3 [^<]* — recognised/);
    expect(page.text).toMatch(/KA\.1 [^<]* — not recognised/);
    // What the portfolio reads: claimed and recognised competencies, who decided.
    const [mine] = await recognitionsOfTeacher(ctx.db, teacher.user.id);
    expect(mine).toMatchObject({ id, status: 'approved', competencies: ['KA.1', 'KD.3', 'KC.2'], recognised: ['KD.3'], deciderName: 'Ada Admin', file: null });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Your prior learning was recognised: Digital pedagogy for primary teachers');
    expect(mail!.text).toContain('KD.3');
    expect(mail!.text).not.toContain('KA.1');
  });

  it.each([
    ['no competency ticked', { decision: 'approve' }, 'Tick at least one competency.'],
    ['a competency not claimed', { decision: 'approve', competencies: 'KC.6' }, 'Only competencies the teacher claimed can be recognised.'],
    ['a rejection without a reason', { decision: 'reject', reason: ' ' }, 'Give the reason for rejecting: 3 to 2000 characters.'],
    ['no decision', { reason: 'whatever' }, 'Choose to approve or to reject the request.'],
  ])('refuses %s with 422, writing nothing', async (_case, body, message) => {
    const { ctx, smtp, teacher, trainer } = await setup();
    const id = await submitted(ctx, teacher);
    const res = await trainer.agent.post(`/recognition/${id}/decision`).type('form').send(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect((await recognitionRows(ctx.db))[0]!.status).toBe('waiting');
    expect(await evidenceOf(ctx.db, teacher.user.id)).toHaveLength(0);
    expect(await statementsOf(ctx.db, teacher.user.id)).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('rejects with a reason: no evidence, and the reason is mailed and shown', async () => {
    const { ctx, smtp, teacher, trainer } = await setup();
    const id = await submitted(ctx, teacher);
    const res = await trainer.agent
      .post(`/recognition/${id}/decision`)
      .type('form')
      .send({ decision: 'reject', reason: 'Please attach the certificate itself.' });
    expect(res.status).toBe(303);
    expect((await recognitionRows(ctx.db))[0]).toMatchObject({
      status: 'rejected',
      reason: 'Please attach the certificate itself.',
      decidedBy: trainer.user.id,
    });
    expect(await evidenceOf(ctx.db, teacher.user.id)).toHaveLength(0);
    expect(await statementsOf(ctx.db, teacher.user.id)).toHaveLength(0);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toContain('was not recognised');
    expect(mail!.text).toContain('Reason: Please attach the certificate itself.');
    const page = await teacher.agent.get('/recognition');
    expect(page.text).toContain('Not recognised');
    expect(page.text).toContain('Please attach the certificate itself.');
    expect(page.text).toContain('Decided by Trevor Trainer');
  });

  it('decides once when two reviewers post at the same time; the other gets 409 naming who decided', async () => {
    const { ctx, teacher, trainer, admin } = await setup();
    const id = await submitted(ctx, teacher);
    const results = await Promise.all([
      trainer.agent
        .post(`/recognition/${id}/decision`)
        .type('form')
        .send({ decision: 'approve', competencies: ['KA.1', 'KD.3'] }),
      admin.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'reject', reason: 'Not relevant to ICT.' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const [row] = await recognitionRows(ctx.db);
    const winner = row!.decidedBy === trainer.user.id ? 'Trevor Trainer' : 'Ada Admin';
    expect(results.find((r) => r.status === 409)!.text).toContain(`already decided by ${winner}`);
    const evidence = await evidenceOf(ctx.db, teacher.user.id);
    expect(evidence).toHaveLength(row!.status === 'approved' ? 2 : 0);
    expect(await statementsOf(ctx.db, teacher.user.id)).toHaveLength(row!.status === 'approved' ? 1 : 0);
    // Deciding again later is refused the same way.
    const again = await trainer.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'reject', reason: 'Changed my mind.' });
    expect(again.status).toBe(409);
  });

  it('refuses a reviewer deciding their own request with 422', async () => {
    const { ctx, admin } = await setup();
    const id = await submitted(ctx, admin);
    const page = await admin.agent.get(`/recognition/${id}`);
    expect(page.text).not.toContain('name="reason"');
    const res = await admin.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'approve', competencies: 'KA.1' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('You cannot decide your own request');
    expect((await recognitionRows(ctx.db))[0]!.status).toBe('waiting');
    expect(await evidenceOf(ctx.db, admin.user.id)).toHaveLength(0);
  });

  it('answers 404 to another trainer and another teacher, 403 to the owner', async () => {
    const { ctx, teacher } = await setup();
    const id = await submitted(ctx, teacher);
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    const otherTeacher = await userAgent(ctx);
    const body = { decision: 'approve', competencies: 'KA.1' };
    expect((await otherTrainer.agent.post(`/recognition/${id}/decision`).type('form').send(body)).status).toBe(404);
    expect((await otherTeacher.agent.post(`/recognition/${id}/decision`).type('form').send(body)).status).toBe(404);
    expect((await teacher.agent.post(`/recognition/${id}/decision`).type('form').send(body)).status).toBe(403);
    expect((await recognitionRows(ctx.db))[0]!.status).toBe('waiting');
    expect(await evidenceOf(ctx.db, teacher.user.id)).toHaveLength(0);
  });
});
