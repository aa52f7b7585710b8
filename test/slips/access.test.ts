import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createCohort } from '../../server/cohorts/queries.ts';
import { trainerWithCohort } from '../cohorts/fixtures.ts';
import { userAgent } from '../helpers.ts';
import { importLearners, linkUris, pdfLines, postSlips, signinTokens } from './fixtures.ts';

// Who may print slips: the cohort's trainers and administrators. Anyone else learns nothing and
// makes no link.

async function cohortWithLearner(options: Parameters<typeof trainerWithCohort>[0] = {}) {
  const setup = await trainerWithCohort(options);
  await importLearners(setup.ctx.db, setup.trainer.agent, setup.cohortId, [['anna@school.ru', 'Анна Иванова', 'ru']]);
  return setup;
}

describe('POST /cohorts/:id/slips.pdf access', () => {
  it('answers 404 to another trainer, as for a cohort that does not exist, and makes no link', async () => {
    const { ctx, cohortId, courses } = await cohortWithLearner();
    const other = await userAgent(ctx, { roles: ['trainer'] });
    await createCohort(ctx.db, { name: 'Theirs', courses: [courses[0]!.id], startDate: '2026-01-01', dueDate: null, description: '' }, other.user.id);
    expect((await postSlips(other.agent, cohortId)).status).toBe(404);
    expect((await postSlips(other.agent, 999_999)).status).toBe(404);
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });

  it('refuses a teacher and a signed-out visitor', async () => {
    const { ctx, cohortId } = await cohortWithLearner();
    const teacher = await userAgent(ctx);
    expect((await postSlips(teacher.agent, cohortId)).status).toBe(403);
    const visitor = await request(ctx.app).post(`/cohorts/${cohortId}/slips.pdf`).set('Origin', ctx.config.baseUrl);
    expect([302, 303]).toContain(visitor.status);
    expect(visitor.headers.location).toMatch(/^\/login/);
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });

  it('refuses a cross-site post', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearner();
    const res = await trainer.agent.post(`/cohorts/${cohortId}/slips.pdf`).set('Origin', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });

  it('prints for an administrator who does not train the cohort', async () => {
    const { ctx, cohortId } = await cohortWithLearner();
    const admin = await userAgent(ctx, { roles: ['admin'] });
    const res = await postSlips(admin.agent, cohortId);
    expect(res.status).toBe(200);
    expect(pdfLines(res.body as Buffer)).toContain('Анна Иванова');
    const [token] = await signinTokens(ctx.db);
    expect(token?.createdBy).toBe(admin.user.id);
  });

  it('answers 422, never 500, to type-confused input', async () => {
    const { ctx, trainer, cohortId } = await cohortWithLearner();
    const res = await trainer.agent.post(`/cohorts/${cohortId}/slips.pdf`).send({ users: { id: 1 } });
    expect(res.status).toBe(422);
    expect(await signinTokens(ctx.db)).toHaveLength(0);
  });

  it('never writes a link token to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { trainer, cohortId } = await cohortWithLearner({ env: { LOG_LEVEL: 'trace' }, logger: pino({ level: 'trace' }, sink) });
    const res = await postSlips(trainer.agent, cohortId);
    expect(res.status).toBe(200);
    const [link] = linkUris(res.body as Buffer);
    const token = link!.split('/').at(-1)!;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(token);
  });
});
