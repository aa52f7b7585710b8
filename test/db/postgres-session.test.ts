import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rawRows } from '../../server/db/client.ts';
import { createTestApp } from '../helpers.ts';
import { onPostgres } from '../support/database.ts';

describe('PostgreSQL sessions of the app', () => {
  // JIT compilation cost the compliance report 0.45 s a page (docs/PERFORMANCE.md).
  it.skipIf(!onPostgres)('run without JIT compilation', async () => {
    const { db } = await createTestApp({ courses: false });
    expect(await rawRows(db, sql`SHOW jit`)).toEqual([['off']]);
  });
});
