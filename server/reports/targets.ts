import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { complianceTargets } from '../db/schema.ts';
import { COMPETENCIES, LEVELS } from '../framework/ict-cft.ts';
import { findOrganisation, type PlacedOrganisation } from '../organisations/queries.ts';
import { complianceCounts } from './queries.ts';
import { type Cell, percent } from './report.ts';
import { filterSchema } from './schemas.ts';

// Targets an administrator sets ("80 % of teachers hold every KA competency by 2027-06-30") and
// where each stands today: the same counting as the report, for the target's own place.

export type Target = typeof complianceTargets.$inferSelect;
/** A level code (all six of it) or a competency code. */
export const TARGET_SCOPES: string[] = [...LEVELS.map((l) => l.code as string), ...COMPETENCIES.map((c) => c.code as string)];

export interface TargetProgress {
  target: Target;
  place: PlacedOrganisation | null;
  current: Cell;
  teachers: number;
  met: boolean;
  /** Teachers still needed to reach the target (0 when met). */
  needed: number;
}

export async function listTargets(db: Db): Promise<Target[]> {
  return db.select().from(complianceTargets).orderBy(asc(complianceTargets.dueDate), asc(complianceTargets.id));
}

export async function addTarget(
  db: Db,
  input: Pick<Target, 'name' | 'scope' | 'percent' | 'dueDate' | 'placeId'>,
  by: number,
  now = Date.now(),
): Promise<void> {
  await db.insert(complianceTargets).values({ ...input, createdBy: by, createdAt: now });
}

export async function deleteTarget(db: Db, id: number): Promise<boolean> {
  return (await db.delete(complianceTargets).where(eq(complianceTargets.id, id)).returning({ id: complianceTargets.id })).length > 0;
}

/** Each target's standing today; targets of one place share one count. */
export async function targetProgress(db: Db, targets: Target[]): Promise<TargetProgress[]> {
  const counts = new Map<string, Awaited<ReturnType<typeof complianceCounts>>['total']>();
  const out: TargetProgress[] = [];
  for (const target of targets) {
    const key = String(target.placeId ?? '');
    let total = counts.get(key);
    if (!total) {
      const filters = filterSchema.parse(target.placeId === null ? {} : { place: String(target.placeId) });
      total = (await complianceCounts(db, filters, 'country')).total;
      counts.set(key, total);
    }
    const level = LEVELS.findIndex((l) => l.code === target.scope);
    const count = level >= 0 ? (total.levels[level] ?? 0) : (total.competencies[COMPETENCIES.findIndex((c) => c.code === target.scope)] ?? 0);
    const needed = Math.max(0, Math.ceil((target.percent * total.teachers) / 100) - count);
    out.push({
      target,
      place: target.placeId === null ? null : ((await findOrganisation(db, target.placeId)) ?? null),
      current: { count, percent: percent(count, total.teachers) },
      teachers: total.teachers,
      met: total.teachers > 0 && needed === 0,
      needed,
    });
  }
  return out;
}
