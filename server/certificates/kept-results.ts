import type { Db } from '../db/client.ts';

/**
 * The last `limit` results of a slow, deterministic computation, per database (tests open many),
 * by a key that names everything the result depends on. A failed computation is not kept.
 */
export function keptResults<T>(limit: number): (db: Db, key: string, make: () => Promise<T>) => Promise<T> {
  const perDb = new WeakMap<Db, Map<string, Promise<T>>>();
  return (db, key, make) => {
    let kept = perDb.get(db);
    if (!kept) {
      kept = new Map();
      perDb.set(db, kept);
    }
    let entry = kept.get(key);
    if (!entry) {
      entry = make();
      if (kept.size >= limit) kept.delete(kept.keys().next().value!);
      kept.set(key, entry);
      const map = kept;
      entry.catch(() => map.delete(key));
    }
    return entry;
  };
}
