import { and, asc, desc, eq, exists, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { cohortMembers, cohortTrainers, competencyEvidence, recognitions, storedFiles, users } from '../db/schema.ts';
import type { RequestInput } from './schemas.ts';

export type RecognitionRow = typeof recognitions.$inferSelect;

/** A request as pages show it: the row, its owner, who decided, its file and the competencies recognised. */
export interface RecognitionView extends RecognitionRow {
  ownerName: string;
  deciderName: string | null;
  /** The stored certificate (a tombstone once deleted), for views/files/_file-link.ejs. */
  file: typeof storedFiles.$inferSelect | null;
  /** Codes the approval recognised (its evidence rows); empty unless approved. */
  recognised: string[];
}

export const RECENTLY_DECIDED = 20;

/** The evidence source of a recognition: the one link between a request and the evidence it earned. */
export const recognitionSource = (id: number) => `recognition:${id}`;

const columns = {
  row: recognitions,
  ownerName: users.name,
  file: storedFiles,
};

function baseQuery(db: DbOrTx) {
  return db
    .select(columns)
    .from(recognitions)
    .innerJoin(users, eq(users.id, recognitions.userId))
    .leftJoin(storedFiles, eq(storedFiles.id, recognitions.fileId));
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['where']>>[number];

/** Adds decider names and recognised competencies with two queries for the whole list. */
async function complete(db: DbOrTx, rows: BaseRow[]): Promise<RecognitionView[]> {
  const deciderIds = [...new Set(rows.map((r) => r.row.decidedBy).filter((id): id is number => id !== null))];
  const deciders = deciderIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, deciderIds)) : [];
  const names = new Map(deciders.map((d) => [d.id, d.name]));
  const approved = rows.filter((r) => r.row.status === 'approved');
  const evidence = approved.length
    ? await db
        .select({ userId: competencyEvidence.userId, source: competencyEvidence.source, competency: competencyEvidence.competency })
        .from(competencyEvidence)
        .where(
          and(
            inArray(competencyEvidence.userId, [...new Set(approved.map((r) => r.row.userId))]),
            inArray(
              competencyEvidence.source,
              approved.map((r) => recognitionSource(r.row.id)),
            ),
          ),
        )
        .orderBy(asc(competencyEvidence.competency))
    : [];
  return rows.map((r) => ({
    ...r.row,
    ownerName: r.ownerName,
    deciderName: r.row.decidedBy === null ? null : (names.get(r.row.decidedBy) ?? null),
    file: r.file ?? null,
    recognised: evidence.filter((e) => e.source === recognitionSource(r.row.id) && e.userId === r.row.userId).map((e) => e.competency),
  }));
}

export async function findRecognition(db: DbOrTx, id: number): Promise<RecognitionView | undefined> {
  const rows = await baseQuery(db).where(eq(recognitions.id, id)).limit(1);
  return (await complete(db, rows))[0];
}

/** A teacher's requests, newest first (their page, and the lead's portfolio). */
export async function recognitionsOfTeacher(db: DbOrTx, userId: number): Promise<RecognitionView[]> {
  const rows = await baseQuery(db).where(eq(recognitions.userId, userId)).orderBy(desc(recognitions.submittedAt), desc(recognitions.id));
  return complete(db, rows);
}

/** Requests a trainer may review: their owner is an active member of one of the trainer's cohorts (as isTrainerOf). */
function ofTrainer(db: DbOrTx, trainerId: number): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(cohortTrainers)
      .innerJoin(cohortMembers, and(eq(cohortMembers.cohortId, cohortTrainers.cohortId), eq(cohortMembers.status, 'active')))
      .where(and(eq(cohortTrainers.userId, trainerId), eq(cohortMembers.userId, recognitions.userId))),
  );
}

/** The review queue: waiting requests oldest first, then the most recently decided. Admins see all. */
export async function reviewQueue(db: DbOrTx, viewer: { id: number; admin: boolean }) {
  const scope = viewer.admin ? undefined : ofTrainer(db, viewer.id);
  const waiting = await baseQuery(db)
    .where(and(eq(recognitions.status, 'waiting'), scope))
    .orderBy(asc(recognitions.submittedAt), asc(recognitions.id));
  const decided = await baseQuery(db)
    .where(and(isNotNull(recognitions.decidedAt), scope))
    .orderBy(desc(recognitions.decidedAt), desc(recognitions.id))
    .limit(RECENTLY_DECIDED);
  return { waiting: await complete(db, waiting), decided: await complete(db, decided) };
}

export async function recognitionIdByKey(db: DbOrTx, userId: number, key: string): Promise<number | undefined> {
  const [row] = await db
    .select({ id: recognitions.id })
    .from(recognitions)
    .where(and(eq(recognitions.userId, userId), eq(recognitions.submissionKey, key)))
    .limit(1);
  return row?.id;
}

export async function insertRecognition(
  db: DbOrTx,
  input: Omit<RequestInput, 'hours' | 'url'> & {
    userId: number;
    minutes: number;
    url: string | null;
    fileId: number | null;
    submissionKey: string | null;
    now: number;
  },
): Promise<number> {
  const [row] = await db
    .insert(recognitions)
    .values({
      userId: input.userId,
      provider: input.provider,
      title: input.title,
      minutes: input.minutes,
      completedOn: input.completedOn,
      url: input.url,
      fileId: input.fileId,
      competencies: input.competencies,
      submittedAt: input.now,
      submissionKey: input.submissionKey,
    })
    .returning({ id: recognitions.id });
  if (!row) throw new Error('recognition not inserted');
  return row.id;
}

/** Decides a request only while it is waiting: false when someone else decided first. */
export async function markDecided(
  db: DbOrTx,
  id: number,
  decision: { status: 'approved' | 'rejected'; reason: string | null; decidedBy: number; now: number },
): Promise<boolean> {
  const rows = await db
    .update(recognitions)
    .set({ status: decision.status, reason: decision.reason, decidedBy: decision.decidedBy, decidedAt: decision.now })
    .where(and(eq(recognitions.id, id), eq(recognitions.status, 'waiting')))
    .returning({ id: recognitions.id });
  return rows.length === 1;
}

/** Deletes the owner's waiting request; its file id (or null), or undefined when nothing was deleted. */
export async function deleteWaiting(db: DbOrTx, id: number, userId: number): Promise<{ fileId: number | null } | undefined> {
  const [row] = await db
    .delete(recognitions)
    .where(and(eq(recognitions.id, id), eq(recognitions.userId, userId), eq(recognitions.status, 'waiting')))
    .returning({ fileId: recognitions.fileId });
  return row;
}

/** Who a decision e-mail goes to. */
export async function ownerContact(db: DbOrTx, userId: number) {
  const [row] = await db.select({ email: users.email, name: users.name, language: users.language }).from(users).where(eq(users.id, userId)).limit(1);
  return row;
}
