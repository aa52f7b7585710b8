import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setAlsoTeaches } from '../../server/auth/admin-queries.ts';
import { grantRole, revokeRole, updateProfile } from '../../server/auth/queries.ts';
import { type Db, rawRows } from '../../server/db/client.ts';
import { competencyEvidence } from '../../server/db/schema.ts';
import { ensurePlaceCounts, rebuildPlaceCounts } from '../../server/evidence/place-counts.ts';
import { refreshStanding } from '../../server/evidence/roll-ups.ts';
import { DEFAULT_RULE } from '../../server/evidence/rule.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { addEvidence } from '../../server/learning/queries.ts';
import { mergeInto } from '../../server/organisations/admin-queries.ts';
import { linkExactMatches, mapTyped } from '../../server/organisations/free-text.ts';
import { addNames, createOrganisation, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { createTestApp, makeUser } from '../helpers.ts';

// place_counts is kept by every change rather than rebuilt: after each kind of change, the rows
// must be what counting everyone again gives. Rows that fell to zero stay behind and are left out.

type Snapshot = Record<string, number[]>;

async function placeRows(db: Db): Promise<Snapshot> {
  const rows = await rawRows<(string | number)[]>(db, sql`SELECT * FROM place_counts`);
  const out: Snapshot = {};
  for (const [org, country, region, school, ...counts] of rows) {
    const numbers = counts.map(Number);
    if (numbers.some((n) => n !== 0)) out[JSON.stringify([Number(org), country, region, school])] = numbers;
  }
  return out;
}

/** The kept counts equal a rebuild (which then stands, equal). */
async function expectKept(db: Db, step: string): Promise<Snapshot> {
  const kept = await placeRows(db);
  await db.transaction((tx) => rebuildPlaceCounts(tx));
  expect(kept, step).toEqual(await placeRows(db));
  return kept;
}

const evidence = (userId: number, competencies: string[], kind: 'quiz' | 'assessed', source: string) =>
  ({ userId, competencies, kind, source, now: Date.parse('2025-03-01T10:00:00Z') }) as const;

describe('place_counts', () => {
  it('stays equal to a recount through every change that moves a teacher or changes what they hold', async () => {
    const { db } = await createTestApp();
    const russia = await createOrganisation(db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    const sakha = await createOrganisation(db, { kind: 'region', parentId: russia, code: 'RU-SA', nameEn: 'Sakha', nameRu: 'Якутия' });
    const tiksi = await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1401', nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1' });
    // The names an import would record, so that exact matches can be linked.
    await addNames(db, russia, 'country', ['Russia', 'Россия']);
    await addNames(db, sakha, 'region', ['Sakha', 'Якутия']);
    const tiksiCopy = await createOrganisation(db, { kind: 'school', parentId: sakha, code: null, nameEn: 'Tiksi Secondary', nameRu: 'Тиксинская средняя' });

    await addNames(db, tiksi, 'school', ['Tiksi School No. 1', 'Тиксинская СОШ №1']);
    const anna = (await makeUser(db, { name: 'Anna', school: 'North School', region: 'Yakutia', country: 'Russia' })).id;
    const boris = (await makeUser(db, { name: 'Boris', school: 'Tiksi School No. 1', region: 'Sakha', country: 'Russia' })).id;
    const clara = (await makeUser(db, { name: 'Clara', school: 'Old School', region: 'Якутия', country: 'Россия', language: 'ru' })).id;
    const trainer = (await makeUser(db, { name: 'Tanya', roles: ['trainer'], school: 'North School', region: 'Yakutia', country: 'Russia' })).id;
    let counted = await expectKept(db, 'accounts created');
    expect(Object.values(counted).reduce((n, row) => n + row[0]!, 0)).toBe(3); // the trainer is staff

    await addEvidence(db, evidence(anna, ['KA.1', 'KA.2', 'KD.1'], 'quiz', 'module:1'));
    await addEvidence(db, evidence(anna, ['KD.1'], 'assessed', 'assignment:1'));
    await addEvidence(db, evidence(boris, ['KA.1', 'KA.2', 'KA.3', 'KA.4', 'KA.5', 'KA.6'], 'quiz', 'module:2'));
    await addEvidence(db, evidence(trainer, ['KA.1'], 'quiz', 'module:1'));
    counted = await expectKept(db, 'evidence written');
    const north = counted[JSON.stringify([0, 'Russia', 'Yakutia', 'North School'])]!;
    // teachers, then demonstrated KA.1, KA.2, KA.3…: Anna only (the trainer is not counted).
    expect(north.slice(0, 3)).toEqual([1, 1, 1]);

    await db.transaction(async (tx) => {
      await tx.delete(competencyEvidence).where(and(eq(competencyEvidence.userId, anna), eq(competencyEvidence.source, 'assignment:1')));
      await refreshStanding(tx, anna);
    });
    await expectKept(db, 'evidence removed');

    await setPersonOrganisation(db, anna, (await findOrganisation(db, tiksiCopy))!, 'en');
    await expectKept(db, 'school picked');
    await setPersonOrganisation(db, clara, (await findOrganisation(db, tiksi))!, 'ru');
    await setPersonOrganisation(db, clara, null, 'ru');
    await expectKept(db, 'school unpicked');
    await updateProfile(db, clara, { school: 'New School', region: 'Якутия', country: 'Россия' });
    await expectKept(db, 'profile place edited');
    expect(await linkExactMatches(db)).toBeGreaterThan(0); // Boris typed the registry's name
    await expectKept(db, 'exact matches linked');
    expect(await mapTyped(db, { school: 'New School', region: 'Якутия', country: 'Россия' }, tiksi)).toBe(1);
    await expectKept(db, 'typed text mapped');
    expect(await mergeInto(db, (await findOrganisation(db, tiksiCopy))!, (await findOrganisation(db, tiksi))!)).toBe(true);
    counted = await expectKept(db, 'duplicates merged');
    expect(counted[JSON.stringify([tiksi, 'Russia', 'Sakha', 'Tiksi School No. 1'])]?.[0]).toBe(2); // Anna and Boris

    await grantRole(db, boris, 'trainer');
    await expectKept(db, 'made a trainer');
    await setAlsoTeaches(db, boris, true);
    await expectKept(db, 'marked as also teaching');
    await revokeRole(db, anna, 'teacher');
    counted = await expectKept(db, 'teacher role removed');
    expect(Object.values(counted).reduce((n, row) => n + row[0]!, 0)).toBe(2); // Boris (also teaches) and Clara
  });

  it('stays right when one teacher gains evidence in two transactions at once', async () => {
    const { db } = await createTestApp();
    const anna = (await makeUser(db, { school: 'North School' })).id;
    const codes = COMPETENCIES.map((c) => c.code);
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        [0, 1].map((k) => db.transaction((tx) => addEvidence(tx, evidence(anna, [codes[2 * round + k]!], 'assessed', `assignment:${2 * round + k}`)))),
      );
    }
    // Twelve competencies, one bit each in the order of COMPETENCIES: none lost to the other transaction
    // (PostgreSQL runs them SERIALIZABLE and retries the one that collided; SQLite one at a time).
    const [standing] = await rawRows<[number]>(db, sql`SELECT assessed FROM competency_standings WHERE user_id = ${anna}`);
    expect(Number(standing![0])).toBe(2 ** 12 - 1);
    const kept = await expectKept(db, 'evidence written side by side');
    expect(kept[JSON.stringify([0, '', '', 'North School'])]?.slice(1, 19).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('is made again at start when the evidence rule changed, and only then', async () => {
    const { db } = await createTestApp();
    const anna = (await makeUser(db, { school: 'North School' })).id;
    await addEvidence(db, evidence(anna, ['KD.1'], 'quiz', 'module:1'));
    const demonstratedKd1 = async () => Number((await rawRows<[number]>(db, sql`SELECT SUM(d_kd1) FROM place_counts`))[0]![0]);
    expect(await ensurePlaceCounts(db)).toBe(true); // never stamped with a rule
    expect(await ensurePlaceCounts(db)).toBe(false);
    expect(await demonstratedKd1()).toBe(0); // a quiz only checks knowledge at KD

    const quizzesDemonstrate = { ...DEFAULT_RULE, KD: ['quiz', 'assessed'] as const };
    expect(await ensurePlaceCounts(db, quizzesDemonstrate)).toBe(true);
    expect(await demonstratedKd1()).toBe(1);
    expect(await ensurePlaceCounts(db, quizzesDemonstrate)).toBe(false);
  });
});
