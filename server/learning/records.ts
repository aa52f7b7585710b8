import crypto from 'node:crypto';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
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
} as const;
export type Verb = keyof typeof VERBS;

const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
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
