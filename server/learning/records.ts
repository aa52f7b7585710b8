import crypto from 'node:crypto';
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, jsonValue, preparedPerConnection, streamRows } from '../db/client.ts';
import { learningRecords } from '../db/schema.ts';

// ADL and cmi5 verb IRIs, so statements can be forwarded to any xAPI learning record store.
export const VERBS = {
  registered: 'http://adlnet.gov/expapi/verbs/registered',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  attempted: 'http://adlnet.gov/expapi/verbs/attempted',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  exited: 'http://adlnet.gov/expapi/verbs/exited',
  // Evidence events (recordEvidenceEvent). The ADL vocabulary has no verb for handing work in:
  // "submit" is the Activity Streams verb the xAPI registry lists for it. "satisfied" is ADL's verb
  // for an authority finding that the actor fulfilled an activity's criteria: a recognition.
  submitted: 'http://activitystrea.ms/schema/1.0/submit',
  scored: 'http://adlnet.gov/expapi/verbs/scored',
  attended: 'http://adlnet.gov/expapi/verbs/attended',
  recognised: 'http://adlnet.gov/expapi/verbs/satisfied',
  // Takes back a statement recorded by mistake (an attendance unticked, a session deleted).
  voided: 'http://adlnet.gov/expapi/verbs/voided',
} as const;
export type Verb = keyof typeof VERBS;

const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  meeting: 'http://adlnet.gov/expapi/activities/meeting',
  performance: 'http://adlnet.gov/expapi/activities/performance',
  external: 'http://adlnet.gov/expapi/activities/course',
} as const;

export interface RecordInput {
  baseUrl: string;
  userId: number;
  verb: Verb;
  course: { id: number; slug: string; title: string };
  module?: { id: number; slug: string; title: string };
  assessment?: boolean;
  result?: { score?: number; success?: boolean; completion?: boolean; durationMs?: number };
  now: number;
}

const p = sql.placeholder;
// Two or three statements are written with every completion: prepared once per connection.
const insertRecord = preparedPerConnection((db) =>
  db
    .insert(learningRecords)
    .values({
      id: p('id'),
      userId: p('userId'),
      verb: p('verb'),
      courseId: p('courseId'),
      moduleId: p('moduleId'),
      statement: p('statement'),
      timestamp: p('timestamp'),
    })
    .prepare(),
);

/** Builds an xAPI 1.0.3 statement and stores it; called inside the transaction of the event it records. */
export async function recordStatement(db: DbOrTx, input: RecordInput): Promise<string> {
  const id = crypto.randomUUID();
  const courseIri = `${input.baseUrl}/courses/${input.course.slug}`;
  const target = input.module
    ? {
        objectType: 'Activity',
        id: `${courseIri}/${input.module.slug}${input.assessment ? '#quiz' : ''}`,
        definition: { name: { und: input.module.title }, type: input.assessment ? ACTIVITY_TYPES.assessment : ACTIVITY_TYPES.module },
      }
    : { objectType: 'Activity', id: courseIri, definition: { name: { und: input.course.title }, type: ACTIVITY_TYPES.course } };
  const r = input.result;
  const statement: Record<string, unknown> = {
    id,
    actor: { objectType: 'Agent', account: { homePage: input.baseUrl, name: String(input.userId) } },
    verb: { id: VERBS[input.verb], display: { 'en-US': input.verb } },
    object: target,
    ...(r
      ? {
          result: {
            ...(r.score !== undefined ? { score: { scaled: r.score / 100, raw: r.score, min: 0, max: 100 } } : {}),
            ...(r.success !== undefined ? { success: r.success } : {}),
            ...(r.completion !== undefined ? { completion: r.completion } : {}),
            ...(r.durationMs !== undefined ? { duration: `PT${Math.max(0, Math.round(r.durationMs / 1000))}S` } : {}),
          },
        }
      : {}),
    ...(input.module ? { context: { contextActivities: { parent: [{ objectType: 'Activity', id: courseIri }] } } } : {}),
    timestamp: new Date(input.now).toISOString(),
  };
  await insertRecord(db).execute({
    id,
    userId: input.userId,
    verb: VERBS[input.verb],
    courseId: input.course.id,
    moduleId: input.module?.id ?? null,
    statement,
    timestamp: input.now,
  });
  return id;
}

export interface EvidenceEventInput {
  baseUrl: string;
  userId: number;
  verb: 'submitted' | 'scored' | 'attended' | 'recognised';
  /** The activity: its path on this site (made absolute), name and type (an assignment is a performance). */
  activity: { path: string; name: string; type: 'performance' | 'meeting' | 'external' };
  /** The course the activity belongs to, if any (context parent, and the record's course column). */
  course?: { id: number; slug: string } | null;
  moduleId?: number | null;
  /** The trainer who scored, recorded or approved (context instructor). */
  instructorId?: number | null;
  result?: { score?: { raw: number; min: number; max: number }; success?: boolean; completion?: boolean; response?: string };
  now: number;
}

/**
 * An xAPI 1.0.3 statement for an evidence event (an artefact submitted or scored, a session
 * attended, outside learning recognised), stored like the others: called inside the transaction
 * that writes the event.
 */
export async function recordEvidenceEvent(db: DbOrTx, input: EvidenceEventInput): Promise<string> {
  const id = crypto.randomUUID();
  const agent = (userId: number) => ({ objectType: 'Agent', account: { homePage: input.baseUrl, name: String(userId) } });
  const r = input.result;
  const context: Record<string, unknown> = {};
  if (input.course) context.contextActivities = { parent: [{ objectType: 'Activity', id: `${input.baseUrl}/courses/${input.course.slug}` }] };
  if (input.instructorId != null) context.instructor = agent(input.instructorId);
  const statement: Record<string, unknown> = {
    id,
    actor: agent(input.userId),
    verb: { id: VERBS[input.verb], display: { 'en-US': input.verb } },
    object: {
      objectType: 'Activity',
      id: `${input.baseUrl}${input.activity.path}`,
      definition: { name: { und: input.activity.name }, type: ACTIVITY_TYPES[input.activity.type] },
    },
    ...(r
      ? {
          result: {
            ...(r.score ? { score: { ...r.score, scaled: r.score.max > r.score.min ? (r.score.raw - r.score.min) / (r.score.max - r.score.min) : 1 } } : {}),
            ...(r.success !== undefined ? { success: r.success } : {}),
            ...(r.completion !== undefined ? { completion: r.completion } : {}),
            ...(r.response !== undefined ? { response: r.response } : {}),
          },
        }
      : {}),
    ...(Object.keys(context).length ? { context } : {}),
    timestamp: new Date(input.now).toISOString(),
  };
  await insertRecord(db).execute({
    id,
    userId: input.userId,
    verb: VERBS[input.verb],
    courseId: input.course?.id ?? null,
    moduleId: input.moduleId ?? null,
    statement,
    timestamp: input.now,
  });
  return id;
}

/**
 * Voids the teacher's statements of `verb` about the activity at `path` (an attendance taken back):
 * one xAPI voiding statement each, by `actorId` (the trainer), with a StatementRef to the original,
 * so a learning record store that received them drops them too. Statements already voided are
 * left alone. Call inside the transaction that takes the event back.
 */
export async function voidEvidenceEvents(
  db: DbOrTx,
  input: { baseUrl: string; userId: number; verb: Verb; path: string; actorId: number; now: number },
): Promise<number> {
  const rows = await db
    .select({ id: learningRecords.id, verb: learningRecords.verb, statement: learningRecords.statement })
    .from(learningRecords)
    .where(and(eq(learningRecords.userId, input.userId), inArray(learningRecords.verb, [VERBS[input.verb], VERBS.voided])));
  const target = `${input.baseUrl}${input.path}`;
  const objectOf = (statement: unknown) => jsonValue<{ object?: { id?: string } }>(statement).object?.id ?? '';
  const voided = new Set(rows.filter((r) => r.verb === VERBS.voided).map((r) => objectOf(r.statement)));
  const originals = rows.filter((r) => r.verb === VERBS[input.verb] && objectOf(r.statement) === target && !voided.has(r.id));
  for (const original of originals) {
    const id = crypto.randomUUID();
    const statement = {
      id,
      actor: { objectType: 'Agent', account: { homePage: input.baseUrl, name: String(input.actorId) } },
      verb: { id: VERBS.voided, display: { 'en-US': 'voided' } },
      object: { objectType: 'StatementRef', id: original.id },
      timestamp: new Date(input.now).toISOString(),
    };
    await insertRecord(db).execute({ id, userId: input.userId, verb: VERBS.voided, courseId: null, moduleId: null, statement, timestamp: input.now });
  }
  return originals.length;
}

// Ordered by time only: ids are random UUIDs, so a tie-break on them would scramble the statements of
// one event (attempted, passed, completed share a millisecond) and keep the time indexes from giving the order.
export async function statementsOfUser(db: DbOrTx, userId: number): Promise<Record<string, unknown>[]> {
  const rows = await db
    .select({ statement: learningRecords.statement })
    .from(learningRecords)
    .where(eq(learningRecords.userId, userId))
    .orderBy(asc(learningRecords.timestamp));
  return rows.map((r) => r.statement);
}

/** Every statement in [from, to), oldest first, read lazily so a large export never sits in memory. */
export async function* statementsBetween(db: Db, from: number, to: number): AsyncGenerator<Record<string, unknown>> {
  const query = db
    .select({ statement: learningRecords.statement })
    .from(learningRecords)
    .where(and(gte(learningRecords.timestamp, from), lt(learningRecords.timestamp, to)))
    .orderBy(asc(learningRecords.timestamp));
  for await (const [statement] of streamRows<[unknown]>(db, query)) yield jsonValue<Record<string, unknown>>(statement);
}
