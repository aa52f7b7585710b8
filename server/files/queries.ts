import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { isTrainerOf } from '../cohorts/access.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { type Role, storedFiles } from '../db/schema.ts';
import { newStorageKey, type FileStore } from './store.ts';

export type StoredFile = typeof storedFiles.$inferSelect;

/** Who is asking: the signed-in user's id and roles (a SessionUser will do). */
export interface Viewer {
  id: number;
  roles: Role[];
}

const MAX_NAME = 200;

/**
 * A client-supplied file name made safe to show and to send in a header: the last path part
 * only, no control or bidi-override characters (which can disguise "gpj.exe" as "exe.jpg"),
 * spaces collapsed, at most 200 characters with the extension kept.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const text = base
    .replace(/\s+/gu, ' ') // tabs and line breaks become spaces first
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  if (!text || /^\.+$/.test(text)) return 'file';
  const chars = Array.from(text); // by code point, so a cut never splits a surrogate pair
  if (chars.length <= MAX_NAME) return text;
  const dot = text.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(text.slice(dot)).slice(0, 10).join('') : '';
  return chars.slice(0, MAX_NAME - ext.length).join('') + ext;
}

/** The stored_files row of bytes already in the store under storageKey. */
async function insertFileRow(
  db: DbOrTx,
  input: { storageKey: string; ownerId: number; name: string; bytes: Buffer; mediaType: string; now: number },
): Promise<StoredFile> {
  const [row] = await db
    .insert(storedFiles)
    .values({
      ownerId: input.ownerId,
      storageKey: input.storageKey,
      name: cleanFileName(input.name),
      mediaType: input.mediaType,
      size: input.bytes.length,
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      createdAt: input.now,
    })
    .returning();
  return row!;
}

/** Stores the bytes, then their row (outside any larger transaction: tests, tools). */
export async function saveFile(
  db: DbOrTx,
  store: FileStore,
  input: { ownerId: number; name: string; bytes: Buffer; mediaType: string; now: number },
): Promise<StoredFile> {
  const storageKey = newStorageKey();
  await store.put(storageKey, input.bytes);
  try {
    return await insertFileRow(db, { ...input, storageKey });
  } catch (error) {
    await store.remove(storageKey);
    throw error;
  }
}

/**
 * For a transaction that records an uploaded file with the rest of a submission: the bytes go to
 * the store once, before `work`, and `save(tx, now)` writes their row inside it (a retried
 * PostgreSQL transaction saves the same bytes again, never a second copy). Afterwards, bytes that
 * no committed row points to (a refusal, a repeated submission, a rolled-back attempt) are removed.
 */
export async function withUploadedFile<T>(
  db: Db,
  store: FileStore,
  upload: { name: string; bytes: Buffer; mediaType: string } | null,
  ownerId: number,
  work: (save: ((tx: DbOrTx, now: number) => Promise<StoredFile>) | null) => Promise<T>,
): Promise<T> {
  if (!upload) return work(null);
  const storageKey = newStorageKey();
  await store.put(storageKey, upload.bytes);
  try {
    return await work((tx, now) => insertFileRow(tx, { ...upload, storageKey, ownerId, now }));
  } finally {
    const [kept] = await db.select({ id: storedFiles.id }).from(storedFiles).where(eq(storedFiles.storageKey, storageKey)).limit(1);
    if (!kept) await store.remove(storageKey);
  }
}

export async function findFile(db: DbOrTx, fileId: number): Promise<StoredFile | null> {
  const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, fileId)).limit(1);
  return row ?? null;
}

/**
 * The file's row when the viewer may see it (a tombstone included, so the page can say when it
 * was deleted), else null: its owner, administrators, and trainers of a cohort in which the owner
 * is an active member.
 */
export async function viewableFile(db: Db, fileId: number, viewer: Viewer): Promise<StoredFile | null> {
  const row = await findFile(db, fileId);
  if (!row) return null;
  if (row.ownerId === viewer.id || viewer.roles.includes('admin')) return row;
  if (viewer.roles.includes('trainer') && (await isTrainerOf(db, viewer.id, row.ownerId))) return row;
  return null;
}

/** True when this person may delete the file: its owner or an administrator. */
export function mayDeleteFile(file: Pick<StoredFile, 'ownerId'>, by: Viewer): boolean {
  return file.ownerId === by.id || by.roles.includes('admin');
}

/**
 * Deletes a file for its owner or an administrator: the row becomes a tombstone (deleted_at,
 * deleted_by), so whatever pointed at it can still say "deleted on …", and the bytes are removed.
 * Returns the tombstone (also when it was deleted before), or null when the file does not exist
 * or this person may not delete it. The row is marked first: if removing the bytes fails, the
 * file is gone for everyone all the same. `by` may be a bare user id: that person's own files only.
 */
export async function deleteFile(db: Db, store: FileStore, fileId: number, byWhom: Viewer | number, now: number): Promise<StoredFile | null> {
  const by = typeof byWhom === 'number' ? { id: byWhom, roles: [] } : byWhom;
  const row = await findFile(db, fileId);
  if (!row || !mayDeleteFile(row, by)) return null;
  if (row.deletedAt !== null) return row;
  const [marked] = await db
    .update(storedFiles)
    .set({ deletedAt: now, deletedBy: by.id })
    .where(and(eq(storedFiles.id, fileId), isNull(storedFiles.deletedAt)))
    .returning();
  // A second request that lost the race finds the row already marked: same answer.
  if (!marked) return findFile(db, fileId);
  await store.remove(row.storageKey);
  return marked;
}
