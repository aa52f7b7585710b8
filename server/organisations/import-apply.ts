import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { ORGANISATION_KINDS, organisationNames, organisations } from '../db/schema.ts';
import type { RegistryRow } from './import-columns.ts';
import { type ParentRef, type PlannedRow, planRegistryImport, type RegistryPlan } from './import-plan.ts';
import { nameKey, searchTextOf } from './names.ts';

// Writes a registry import: planned again inside the transaction (the registry may have changed
// since the preview), then new entries in batches, parents before children, updated entries one
// by one, and every name in batches. Only database work inside: it may run twice on PostgreSQL.

const INSERT_BATCH = 500;

const insertedKey = (e: { kind: string; parentId: number | null; code: string | null; nameEn: string; nameRu: string }) =>
  JSON.stringify([e.kind, e.parentId, e.code, e.nameEn, e.nameRu]);

async function writePlan(tx: Tx, plan: RegistryPlan, now: number): Promise<void> {
  const newIds = new Map<string, number>(); // kind and code of a new entry → its id
  const parentId = (ref: ParentRef | null): number | null => (!ref ? null : 'id' in ref ? ref.id : newIds.get(ref.newKey)!);
  const names: { organisationId: number; kind: (typeof ORGANISATION_KINDS)[number]; nameKey: string }[] = [];
  const remember = (id: number, row: PlannedRow) => {
    for (const key of new Set([row.values.nameEn, row.values.nameRu].map(nameKey).filter(Boolean)))
      names.push({ organisationId: id, kind: row.kind!, nameKey: key });
  };

  for (const kind of ORGANISATION_KINDS) {
    const fresh = plan.rows.filter((r) => r.outcome === 'new' && r.kind === kind);
    for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
      const batch = fresh.slice(i, i + INSERT_BATCH);
      const values = batch.map((r) => {
        const fields = { kind, parentId: parentId(r.parent), code: r.values.code, nameEn: r.values.nameEn, nameRu: r.values.nameRu };
        return { ...fields, searchText: searchTextOf(fields), createdAt: now, updatedAt: now };
      });
      const inserted = await tx.insert(organisations).values(values).returning({
        id: organisations.id,
        kind: organisations.kind,
        parentId: organisations.parentId,
        code: organisations.code,
        nameEn: organisations.nameEn,
        nameRu: organisations.nameRu,
      });
      // RETURNING promises no order: rows are matched by their values, unique within an import (import-plan.ts).
      const ids = new Map(inserted.map((e) => [insertedKey(e), e.id]));
      for (const [n, row] of batch.entries()) {
        const id = ids.get(insertedKey(values[n]!))!;
        if (row.values.code) newIds.set(`${kind}\u0000${row.values.code}`, id);
        remember(id, row);
      }
    }
  }
  for (const row of plan.rows) {
    if (row.outcome !== 'updated') continue;
    const set = { code: row.values.code, nameEn: row.values.nameEn, nameRu: row.values.nameRu, searchText: searchTextOf(row.values), updatedAt: now };
    await tx
      .update(organisations)
      .set(row.parent ? { ...set, parentId: parentId(row.parent) } : set)
      .where(eq(organisations.id, row.targetId!));
    remember(row.targetId!, row);
  }
  // Renamed entries keep answering to their old names (as updateOrganisation does).
  for (let i = 0; i < names.length; i += INSERT_BATCH) {
    await tx
      .insert(organisationNames)
      .values(names.slice(i, i + INSERT_BATCH))
      .onConflictDoNothing();
  }
}

/** Plans and writes the import in one transaction; returns the plan that was written. */
export async function applyRegistryImport(db: Db, parsed: RegistryRow[], now = Date.now()): Promise<RegistryPlan> {
  return db.transaction(async (tx) => {
    const plan = await planRegistryImport(tx, parsed);
    await writePlan(tx, plan, now);
    return plan;
  });
}
