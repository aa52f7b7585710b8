import { asc, eq, inArray } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { programmeCourses, programmes } from '../db/schema.ts';

export interface ProgrammeRow {
  id: number;
  name: string;
  description: string;
  courseIds: number[];
}

export async function listProgrammes(db: Db): Promise<ProgrammeRow[]> {
  const rows = await db.select().from(programmes).orderBy(asc(programmes.name), asc(programmes.id));
  if (!rows.length) return [];
  const links = await db
    .select()
    .from(programmeCourses)
    .where(
      inArray(
        programmeCourses.programmeId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    courseIds: links.filter((l) => l.programmeId === r.id).map((l) => l.courseId),
  }));
}

export interface ProgrammeInput {
  name: string;
  description: string;
  courses: number[];
}

/** Creates a programme (id undefined) or replaces one's name, description and courses; false when it no longer exists. */
export async function saveProgramme(db: Db, input: ProgrammeInput, by: number, id?: number, now = Date.now()): Promise<number | null> {
  return db.transaction(async (tx) => {
    let programmeId = id;
    if (programmeId === undefined) {
      const [row] = await tx
        .insert(programmes)
        .values({ name: input.name, description: input.description, createdBy: by, createdAt: now, updatedAt: now })
        .returning({ id: programmes.id });
      programmeId = row!.id;
    } else {
      const changed = await tx
        .update(programmes)
        .set({ name: input.name, description: input.description, updatedAt: now })
        .where(eq(programmes.id, programmeId))
        .returning({ id: programmes.id });
      if (!changed.length) return null;
      await tx.delete(programmeCourses).where(eq(programmeCourses.programmeId, programmeId));
    }
    await tx.insert(programmeCourses).values(input.courses.map((courseId) => ({ programmeId: programmeId!, courseId })));
    return programmeId;
  });
}

export async function deleteProgramme(db: DbOrTx, id: number): Promise<boolean> {
  return (await db.delete(programmes).where(eq(programmes.id, id)).returning({ id: programmes.id })).length > 0;
}
