import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { ORGANISATION_KINDS, type OrganisationKind, organisationNames, organisations } from '../db/schema.ts';
import type { RegistryRow, RowProblem } from './import-columns.ts';
import { nameKey, PARENT_KINDS } from './names.ts';

// What a registry import would do to each row, given the registry as it is: looked up in a few
// batched queries (codes, then name keys), never one query per row, so 50,000 schools plan in
// seconds. Pure planning: import-apply.ts writes the plan.

export type Outcome = 'new' | 'updated' | 'unchanged' | 'error';

/** An entry the import may touch or hang rows under. */
export interface Entry {
  id: number;
  kind: OrganisationKind;
  code: string | null;
  parentId: number | null;
  nameEn: string;
  nameRu: string;
}

/** The parent a row asks for: an entry of the registry, or a new entry made from another row (by kind and code). */
export type ParentRef = { id: number } | { newKey: string };

export interface PlannedRow extends RegistryRow {
  outcome: Outcome;
  /** The existing entry the row updates (or leaves unchanged). */
  targetId: number | null;
  /** null: no parent given (a new entry has none, an existing one keeps its own). */
  parent: ParentRef | null;
  /** The entry's code and names after the import (empty cells keep what the entry has). */
  values: { code: string | null; nameEn: string; nameRu: string };
}

export interface RegistryPlan {
  rows: PlannedRow[];
  counts: Record<Outcome, number>;
}

const CHUNK = 500;
export const codeKey = (kind: OrganisationKind, code: string) => `${kind}\u0000${code}`;
const KIND_ORDER = new Map(ORGANISATION_KINDS.map((k, i) => [k, i]));
export const entryColumns = {
  id: organisations.id,
  kind: organisations.kind,
  code: organisations.code,
  parentId: organisations.parentId,
  nameEn: organisations.nameEn,
  nameRu: organisations.nameRu,
};

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function entriesByCode(db: DbOrTx, codes: string[]): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>();
  // Kind first, so the (kind, code) index answers: a code alone would scan the registry.
  for (const kind of ORGANISATION_KINDS) {
    for (const part of chunks(codes)) {
      const rows = await db
        .select(entryColumns)
        .from(organisations)
        .where(and(eq(organisations.kind, kind), inArray(organisations.code, part)));
      for (const e of rows) found.set(codeKey(e.kind, e.code!), e);
    }
  }
  return found;
}

/** Entries by kind and name key (own names, merged duplicates' names, mapped free text), keyed by codeKey(kind, nameKey). */
export async function entriesByName(db: DbOrTx, wanted: Map<OrganisationKind, Set<string>>): Promise<Map<string, Entry[]>> {
  const found = new Map<string, Entry[]>();
  for (const [kind, keys] of wanted) {
    for (const part of chunks([...keys])) {
      // Kind and name key: the (kind, name_key, organisation_id) index answers.
      const rows = await db
        .select({ ...entryColumns, key: organisationNames.nameKey })
        .from(organisationNames)
        .innerJoin(organisations, eq(organisations.id, organisationNames.organisationId))
        .where(and(eq(organisationNames.kind, kind), inArray(organisationNames.nameKey, part)));
      for (const { key, ...e } of rows) {
        const k = codeKey(kind, key);
        const list = found.get(k);
        if (!list) found.set(k, [e]);
        else if (!list.some((x) => x.id === e.id)) list.push(e);
      }
    }
  }
  return found;
}

const problem = (field: RowProblem['field'], key: string, params?: RowProblem['params']): RowProblem => ({ field, key: `import.rowErrors.${key}`, params });
// Folding a name is the costliest step of planning 50,000 rows: once per row.
const folded = new WeakMap<RegistryRow, string[]>();
function rowKeys(row: RegistryRow): string[] {
  let keys = folded.get(row);
  if (!keys) {
    keys = [...new Set([row.nameEn, row.nameRu].map(nameKey).filter(Boolean))];
    folded.set(row, keys);
  }
  return keys;
}

export async function planRegistryImport(db: DbOrTx, parsed: RegistryRow[]): Promise<RegistryPlan> {
  const rows: PlannedRow[] = parsed.map((r) => ({
    ...r,
    outcome: 'error',
    targetId: null,
    parent: null,
    values: { code: r.code, nameEn: r.nameEn, nameRu: r.nameRu },
  }));
  const codes = new Set<string>();
  const keys = new Map<OrganisationKind, Set<string>>(ORGANISATION_KINDS.map((k) => [k, new Set()]));
  for (const r of rows) {
    if (r.error) continue;
    if (r.code) codes.add(r.code);
    if (r.parentCode) codes.add(r.parentCode);
  }
  const byCode = await entriesByCode(db, [...codes]);
  // Names matter only for rows their code does not settle (a re-import of coded rows looks up none).
  for (const r of rows) if (!r.error && !(r.code && byCode.has(codeKey(r.kind!, r.code)))) for (const k of rowKeys(r)) keys.get(r.kind!)!.add(k);
  const byName = await entriesByName(db, keys);

  // The first row with a kind and code is the one that counts; a later one is an error.
  const fileByCode = new Map<string, PlannedRow>();
  for (const r of rows) {
    if (r.error || !r.code) continue;
    const first = fileByCode.get(codeKey(r.kind!, r.code));
    if (first) r.error = problem('code', 'duplicateCode', { code: r.code, line: first.line });
    else fileByCode.set(codeKey(r.kind!, r.code), r);
  }

  const claimed = new Map<number, number>(); // entry id → line of the row that updates it
  const newNames = new Map<string, number>(); // kind, parent and name key of a new entry → line
  // Parents before children: a row may name a parent anywhere in the file.
  const order = rows.filter((r) => !r.error).sort((a, b) => KIND_ORDER.get(a.kind!)! - KIND_ORDER.get(b.kind!)! || a.line - b.line);
  for (const row of order) {
    const error = resolveRow(row);
    if (error) row.error = error;
  }
  const counts: Record<Outcome, number> = { new: 0, updated: 0, unchanged: 0, error: 0 };
  for (const r of rows) {
    if (r.error) r.outcome = 'error';
    counts[r.outcome]++;
  }
  return { rows, counts };

  function resolveParent(row: PlannedRow): RowProblem | ParentRef | null {
    if (!row.parentCode) return null;
    const code = row.parentCode;
    const present = ORGANISATION_KINDS.filter((k) => fileByCode.has(codeKey(k, code)) || byCode.has(codeKey(k, code)));
    const allowed = present.filter((k) => PARENT_KINDS[row.kind!].includes(k));
    if (allowed.length > 1) return problem('parent_code', 'ambiguousParent', { code });
    const kind = allowed[0];
    if (!kind)
      return present.length ? problem('parent_code', 'wrongParentKind', { code, kind: present[0]! }) : problem('parent_code', 'unknownParent', { code });
    const fileRow = fileByCode.get(codeKey(kind, code));
    if (fileRow) {
      if (fileRow.error) return problem('parent_code', 'parentHasError', { code, line: fileRow.line });
      return fileRow.outcome === 'new' ? { newKey: codeKey(kind, code) } : { id: fileRow.targetId! };
    }
    return { id: byCode.get(codeKey(kind, code))!.id };
  }

  function resolveRow(row: PlannedRow): RowProblem | null {
    const kind = row.kind!;
    const parent = resolveParent(row);
    if (parent && !('id' in parent) && !('newKey' in parent)) return parent;
    row.parent = parent as ParentRef | null;
    const underParent = (e: Entry) => !row.parent || ('id' in row.parent && e.parentId === row.parent.id);
    const named = (codeless: boolean) => {
      const found = new Map<number, Entry>();
      for (const k of rowKeys(row))
        for (const e of byName.get(codeKey(kind, k)) ?? []) if (underParent(e) && (!codeless || e.code === null)) found.set(e.id, e);
      return [...found.values()];
    };
    let target: Entry | undefined;
    if (row.code) {
      // A code the registry does not know may belong to an entry imported earlier without one.
      target = byCode.get(codeKey(kind, row.code));
      if (!target) {
        const candidates = named(true);
        if (candidates.length === 1) target = candidates[0];
      }
    } else {
      const candidates = named(false);
      if (candidates.length > 1) return problem(row.nameEn ? 'name_en' : 'name_ru', 'ambiguousName', { count: candidates.length });
      target = candidates[0];
    }
    if (!target) {
      if (!row.code) {
        const parentKey = !row.parent ? '' : 'id' in row.parent ? `#${row.parent.id}` : row.parent.newKey;
        for (const k of rowKeys(row)) {
          const first = newNames.get(`${kind}\u0000${parentKey}\u0000${k}`);
          if (first !== undefined) return problem(row.nameEn ? 'name_en' : 'name_ru', 'duplicateRow', { line: first });
        }
        for (const k of rowKeys(row)) newNames.set(`${kind}\u0000${parentKey}\u0000${k}`, row.line);
      }
      row.outcome = 'new';
      return null;
    }
    const first = claimed.get(target.id);
    if (first !== undefined) return problem(row.code ? 'code' : row.nameEn ? 'name_en' : 'name_ru', 'sameEntry', { line: first });
    claimed.set(target.id, row.line);
    row.targetId = target.id;
    row.values = { code: row.code ?? target.code, nameEn: row.nameEn || target.nameEn, nameRu: row.nameRu || target.nameRu };
    const parentChanged = row.parent !== null && !('id' in row.parent && row.parent.id === target.parentId);
    const changed = parentChanged || row.values.code !== target.code || row.values.nameEn !== target.nameEn || row.values.nameRu !== target.nameRu;
    row.outcome = changed ? 'updated' : 'unchanged';
    return null;
  }
}
