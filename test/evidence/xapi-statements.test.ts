import { beforeAll, describe, expect, it } from 'vitest';
import { getCatalogue } from '../../server/courses/catalogue.ts';
import { recordEvidenceEvent, recordStatement, statementsOfUser, VERBS, voidEvidenceEvents } from '../../server/learning/records.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';

// Every statement the platform writes, the evidence events' beside the learning ones, checked
// against the xAPI 1.0.3 rules for the parts it uses (Data.md: statement id, Agent with an account,
// verb IRI and display, Activity object with an IRI id and definition type, result score, context
// instructor and parent activities, timestamp), so an outside learning record store accepts them.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isIri = (value: unknown) => typeof value === 'string' && /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value);

// biome-ignore lint/suspicious/noExplicitAny: statement JSON is read freely
type Json = any;

function problemsOf(s: Json): string[] {
  const out: string[] = [];
  const agent = (a: Json, where: string) => {
    if (a?.objectType !== undefined && a.objectType !== 'Agent') out.push(`${where}.objectType`);
    if (!isIri(a?.account?.homePage) || typeof a?.account?.name !== 'string' || !a.account.name) out.push(`${where}.account`);
    const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((k) => a?.[k] !== undefined);
    if (ifis.length !== 1) out.push(`${where} must have exactly one identifier`);
  };
  if (!UUID.test(s.id)) out.push('id');
  agent(s.actor, 'actor');
  if (!isIri(s.verb?.id)) out.push('verb.id');
  if (typeof s.verb?.display !== 'object' || !Object.values(s.verb.display).every((v) => typeof v === 'string')) out.push('verb.display');
  if (s.object?.objectType === 'StatementRef') {
    if (!UUID.test(s.object.id)) out.push('object (StatementRef id)');
    if (s.verb?.id !== 'http://adlnet.gov/expapi/verbs/voided') out.push('a StatementRef here is only used to void');
  } else if (s.object?.objectType !== 'Activity' || !isIri(s.object?.id)) out.push('object');
  if (s.object?.definition?.type !== undefined && !isIri(s.object.definition.type)) out.push('object.definition.type');
  if (s.object?.definition?.name && !Object.values(s.object.definition.name).every((v) => typeof v === 'string')) out.push('object.definition.name');
  const score = s.result?.score;
  if (score) {
    if (score.scaled !== undefined && (score.scaled < -1 || score.scaled > 1)) out.push('result.score.scaled');
    if (score.min !== undefined && score.max !== undefined && score.min > score.max) out.push('result.score.min/max');
    if (score.raw !== undefined && ((score.min !== undefined && score.raw < score.min) || (score.max !== undefined && score.raw > score.max)))
      out.push('result.score.raw');
  }
  if (s.result?.success !== undefined && typeof s.result.success !== 'boolean') out.push('result.success');
  if (s.result?.duration !== undefined && !/^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(s.result.duration))
    out.push('result.duration');
  if (s.context?.instructor) agent(s.context.instructor, 'context.instructor');
  for (const parent of s.context?.contextActivities?.parent ?? []) if (!isIri(parent.id)) out.push('context.contextActivities.parent');
  if (s.context?.contextActivities?.parent && !Array.isArray(s.context.contextActivities.parent)) out.push('contextActivities.parent must be an array');
  if (!ISO_8601.test(s.timestamp)) out.push('timestamp');
  return out;
}

describe('xAPI statements', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });

  it('are valid for every verb, the evidence events included', async () => {
    const { id: userId } = await makeUser(ctx.db);
    const { id: trainerId } = await makeUser(ctx.db, { roles: ['trainer'] });
    const course = (await getCatalogue(ctx.db)).course('ict-primary-education')!;
    const module = course.modules[0]!;
    const baseUrl = ctx.config.baseUrl;
    const now = Date.UTC(2026, 10, 30, 9);
    await recordStatement(ctx.db, { baseUrl, userId, verb: 'registered', course, now });
    await recordStatement(ctx.db, { baseUrl, userId, verb: 'experienced', course, module, now });
    await recordStatement(ctx.db, { baseUrl, userId, verb: 'attempted', course, module, assessment: true, now });
    await recordStatement(ctx.db, {
      baseUrl,
      userId,
      verb: 'passed',
      course,
      module,
      assessment: true,
      result: { score: 80, success: true, durationMs: 65_000 },
      now,
    });
    await recordStatement(ctx.db, { baseUrl, userId, verb: 'completed', course, module, result: { completion: true }, now });
    const performance = { path: `/courses/${course.slug}/${module.slug}#assignment`, name: 'A lesson plan', type: 'performance' as const };
    await recordEvidenceEvent(ctx.db, { baseUrl, userId, verb: 'submitted', activity: performance, course, moduleId: module.id, now });
    await recordEvidenceEvent(ctx.db, {
      baseUrl,
      userId,
      verb: 'scored',
      activity: performance,
      course,
      moduleId: module.id,
      instructorId: trainerId,
      result: { score: { raw: 7, min: 0, max: 8 }, success: true },
      now,
    });
    await recordEvidenceEvent(ctx.db, {
      baseUrl,
      userId,
      verb: 'attended',
      activity: { path: '/cohorts/1/sessions/2', name: 'Webinar', type: 'meeting' },
      instructorId: trainerId,
      now,
    });
    await recordEvidenceEvent(ctx.db, {
      baseUrl,
      userId,
      verb: 'recognised',
      activity: { path: '/recognition/3', name: 'Outside course', type: 'external' },
      instructorId: trainerId,
      result: { success: true },
      now,
    });
    await voidEvidenceEvents(ctx.db, { baseUrl, userId, verb: 'attended', path: '/cohorts/1/sessions/2', actorId: trainerId, now: now + 1 });
    const statements = await statementsOfUser(ctx.db, userId);
    expect(statements.map((s) => (s as { verb: { id: string } }).verb.id)).toEqual([
      VERBS.registered,
      VERBS.experienced,
      VERBS.attempted,
      VERBS.passed,
      VERBS.completed,
      VERBS.submitted,
      VERBS.scored,
      VERBS.attended,
      VERBS.recognised,
      VERBS.voided,
    ]);
    expect((statements[9] as { object: unknown }).object).toEqual({ objectType: 'StatementRef', id: (statements[7] as { id: string }).id });
    for (const s of statements) expect(problemsOf(s), JSON.stringify(s)).toEqual([]);
    const scored = statements[6] as { result: { score: { scaled: number } }; context: { instructor: { account: { name: string } } } };
    expect(scored.result.score.scaled).toBe(0.875);
    expect(scored.context.instructor.account.name).toBe(String(trainerId));
  });

  it('the checker itself refuses broken statements', () => {
    const good = {
      id: '6f1c1d3e-2b4a-4c5d-8e9f-0a1b2c3d4e5f',
      actor: { account: { homePage: 'http://x', name: '1' } },
      verb: { id: 'http://v', display: { en: 'v' } },
      object: { objectType: 'Activity', id: 'http://o' },
      timestamp: '2026-11-30T09:00:00.000Z',
    };
    expect(problemsOf(good)).toEqual([]);
    expect(problemsOf({ ...good, id: 'nope' })).toContain('id');
    expect(problemsOf({ ...good, verb: { id: 'submitted', display: {} } })).toContain('verb.id');
    expect(problemsOf({ ...good, result: { score: { raw: 9, min: 0, max: 8 } } })).toContain('result.score.raw');
  });
});
