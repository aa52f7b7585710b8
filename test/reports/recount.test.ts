import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/client.ts';
import { setAlsoTeaches } from '../../server/auth/admin-queries.ts';
import { revokeRole } from '../../server/auth/queries.ts';
import { cohortMembers, cohorts, competencyEvidence, organisations, userRoles, users } from '../../server/db/schema.ts';
import { COMPETENCIES, LEVELS } from '../../server/framework/ict-cft.ts';
import { createOrganisation, findOrganisation, setPersonOrganisation } from '../../server/organisations/queries.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { fromCsv, fromJson, fromXlsx, readWorkbook } from './export-readers.ts';
import { addEvidence, adminAgent, type Figures, pageGroups, pageSummary } from './fixtures.ts';

// The compliance figures recomputed here, independently, straight from the tables (people, roles,
// registry, evidence, memberships), for every grouping, with and without an "as of" date, and
// compared with the page and every export; and a target's standing with the same recount.
// The population is generated (seeded), with staff, a staff member who also teaches, people
// linked to the registry in either language, typed places, and people who are not teachers.

const DAY = 86_400_000;
const CODES = COMPETENCIES.map((c) => c.code as string);
const KINDS = ['quiz', 'assessed', 'participation', 'recognised'] as const;
// The default rule, restated: a quiz demonstrates Knowledge Acquisition only.
const demonstrates = (code: string, kind: string) => kind !== 'quiz' || code.startsWith('KA');

function prng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

interface Expected {
  teachers: number;
  figures: Figures;
  /** By the page's key (registry "org:<id>", a typed value as typed, a cohort's id) and by name (exports). */
  byKey: Map<string, { teachers: number; figures: Figures }>;
  byName: Map<string, { teachers: number; figures: Figures }>;
  /** Teachers with knowledge checked but the competency not demonstrated, by code (all teachers counted). */
  checked: Record<string, number>;
}

function figuresOf(masks: Set<string>[]): { teachers: number; figures: Figures } {
  const teachers = masks.length;
  const pct = (n: number) => (teachers ? Math.round((n * 1000) / teachers) / 10 : 0);
  const figures: Figures = {};
  for (const code of CODES) {
    const n = masks.filter((m) => m.has(code)).length;
    figures[code] = [n, pct(n)];
  }
  for (const level of LEVELS) {
    const six = CODES.filter((c) => c.startsWith(level.code));
    const n = masks.filter((m) => six.every((c) => m.has(c))).length;
    figures[level.code] = [n, pct(n)];
  }
  return { teachers, figures };
}

async function recount(db: Db, group: 'school' | 'region' | 'country' | 'cohort', opts: { asOf?: string; place?: number } = {}): Promise<Expected> {
  const end = opts.asOf ? Date.parse(`${opts.asOf}T00:00:00Z`) + DAY : Number.POSITIVE_INFINITY;
  const [people, roles, orgs, evidence, members, cohortRows] = await Promise.all([
    db.select().from(users),
    db.select().from(userRoles),
    db.select().from(organisations),
    db.select().from(competencyEvidence),
    db.select().from(cohortMembers).where(eq(cohortMembers.status, 'active')),
    db.select().from(cohorts),
  ]);
  const org = new Map(orgs.map((o) => [o.id, o]));
  const chain = (id: number | null) => {
    const out = [];
    for (let o = id === null ? undefined : org.get(id); o && out.length < 3; o = o.parentId === null ? undefined : org.get(o.parentId)) out.push(o);
    return out;
  };
  const rolesOf = (id: number) => new Set(roles.filter((r) => r.userId === id).map((r) => r.role));
  const counted = people.filter((p) => {
    const r = rolesOf(p.id);
    const staff = r.has('trainer') || r.has('admin');
    const inPlace = opts.place === undefined || chain(p.organisationId).some((o) => o.id === opts.place);
    return r.has('teacher') && (!staff || p.alsoTeaches) && p.createdAt < end && inPlace;
  });
  const mask = new Map(counted.map((p) => [p.id, new Set<string>()]));
  const any = new Map(counted.map((p) => [p.id, new Set<string>()]));
  for (const e of evidence) {
    if (e.createdAt >= end || !CODES.includes(e.competency)) continue;
    any.get(e.userId)?.add(e.competency);
    if (demonstrates(e.competency, e.kind)) mask.get(e.userId)?.add(e.competency);
  }
  const checked = Object.fromEntries(CODES.map((c) => [c, counted.filter((p) => any.get(p.id)!.has(c) && !mask.get(p.id)!.has(c)).length]));
  const groups = new Map<string, { name: string; masks: Set<string>[] }>();
  const add = (key: string, name: string, m: Set<string>) => {
    const g = groups.get(key) ?? { name, masks: [] };
    g.masks.push(m);
    groups.set(key, g);
  };
  for (const p of counted) {
    const m = mask.get(p.id)!;
    if (group === 'cohort') {
      for (const c of members.filter((x) => x.userId === p.id)) add(String(c.cohortId), cohortRows.find((x) => x.id === c.cohortId)!.name, m);
      continue;
    }
    const entry = chain(p.organisationId).find((o) => o.kind === group);
    if (entry) add(`org:${entry.id}`, entry.nameEn || entry.nameRu, m);
    else add(p[group], p[group], m);
  }
  const total = figuresOf([...mask.values()]);
  const byKey = new Map([...groups].map(([k, g]) => [k, figuresOf(g.masks)]));
  // Exports name an empty value "(not set)", and mark typed values when registry entries are beside them.
  const mixed = [...groups.keys()].some((k) => k.startsWith('org:'));
  const exportName = (key: string, name: string) => {
    const shown = name || '(not set)';
    return group !== 'cohort' && mixed && !key.startsWith('org:') ? `${shown} (typed by teachers, not in the registry)` : shown;
  };
  const byName = new Map([...groups].map(([k, g]) => [exportName(k, g.name), figuresOf(g.masks)]));
  return { ...total, byKey, byName, checked };
}

describe('compliance figures recomputed from the database', () => {
  let ctx: TestContext;
  let admin: Awaited<ReturnType<typeof adminAgent>>;
  let russia: number;

  beforeAll(async () => {
    ctx = await createTestApp();
    const { db } = ctx;
    admin = await adminAgent(ctx);
    russia = await createOrganisation(db, { kind: 'country', parentId: null, code: 'RU', nameEn: 'Russia', nameRu: 'Россия' });
    const norway = await createOrganisation(db, { kind: 'country', parentId: null, code: 'NO', nameEn: 'Norway', nameRu: 'Норвегия' });
    const sakha = await createOrganisation(db, { kind: 'region', parentId: russia, code: 'RU-SA', nameEn: 'Sakha', nameRu: 'Якутия' });
    const murmansk = await createOrganisation(db, {
      kind: 'region',
      parentId: russia,
      code: 'RU-MUR',
      nameEn: 'Murmansk Oblast',
      nameRu: 'Мурманская область',
    });
    const troms = await createOrganisation(db, { kind: 'region', parentId: norway, code: 'NO-54', nameEn: 'Troms', nameRu: 'Тромс' });
    const schools = [
      await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1401', nameEn: 'Tiksi School No. 1', nameRu: 'Тиксинская СОШ №1' }),
      await createOrganisation(db, { kind: 'school', parentId: sakha, code: '1402', nameEn: 'Yakutsk Lyceum', nameRu: 'Якутский лицей' }),
      await createOrganisation(db, { kind: 'school', parentId: murmansk, code: '5101', nameEn: 'Kola School', nameRu: 'Кольская школа' }),
      await createOrganisation(db, { kind: 'school', parentId: troms, code: 'NO-1', nameEn: 'Tromsø School', nameRu: 'Школа Тромсё' }),
      await createOrganisation(db, { kind: 'region', parentId: norway, code: 'NO-18', nameEn: 'Nordland', nameRu: 'Нурланн' }),
    ];
    const [spring] = await db.insert(cohorts).values({ name: 'Spring', startDate: '2024-01-01', createdAt: 0 }).returning({ id: cohorts.id });
    const [autumn] = await db.insert(cohorts).values({ name: 'Autumn', startDate: '2024-09-01', createdAt: 0 }).returning({ id: cohorts.id });
    const random = prng(2026);
    const typed = [
      { school: 'Old School', region: 'Якутия', country: 'Россия' },
      { school: 'Old School', region: 'Sakha', country: 'Russia' },
      { school: '', region: 'Finnmark', country: 'Norway' },
    ];
    for (let i = 0; i < 42; i++) {
      const language = i % 2 ? 'ru' : 'en';
      const roles = i % 6 === 0 ? (['trainer'] as const) : i % 11 === 0 ? (['admin'] as const) : ([] as const);
      const { id } = await makeUser(db, { name: `Person ${i}`, language, roles: [...roles], ...typed[i % 3] });
      if (i === 12) await setAlsoTeaches(db, id, true);
      if (i % 13 === 5) await revokeRole(db, id, 'teacher');
      await db
        .update(users)
        .set({ createdAt: Date.parse('2024-01-01T00:00:00Z') + i * 9 * DAY })
        .where(eq(users.id, id));
      if (i % 3 !== 2) await setPersonOrganisation(db, id, (await findOrganisation(db, schools[i % schools.length]!))!, language);
      for (const code of CODES) {
        // Some competencies get one piece of evidence, of any kind, some a quiz and later another kind.
        const pieces = random() < (code.startsWith('KA') ? 0.75 : code.startsWith('KD') ? 0.55 : 0.35) ? (random() < 0.25 ? 2 : 1) : 0;
        const first = random() < 0.5 ? 0 : 1 + Math.floor(random() * 3);
        for (let n = 0; n < pieces; n++) {
          const kind = KINDS[n === 0 ? first : 1 + (first % 3)]!; // a second piece: another kind, never a quiz
          const when = new Date(Date.parse('2024-01-01T00:00:00Z') + Math.floor(random() * 500) * DAY).toISOString();
          await addEvidence(db, id, code, when, undefined, kind);
        }
      }
      if (i % 2 === 0) await db.insert(cohortMembers).values({ cohortId: spring!.id, userId: id, addedAt: 0 });
      if (i % 3 === 0) await db.insert(cohortMembers).values({ cohortId: autumn!.id, userId: id, addedAt: 0, status: i % 9 === 0 ? 'invited' : 'active' });
    }
  });

  for (const group of ['school', 'region', 'country', 'cohort'] as const) {
    for (const asOf of ['', '2024-06-30']) {
      it(`agrees on the page and in CSV, XLSX and JSON: by ${group}${asOf ? `, as of ${asOf}` : ''}`, async () => {
        const expected = await recount(ctx.db, group, { asOf });
        expect(expected.teachers).toBeGreaterThan(5);
        const query = `group=${group}${asOf ? `&asOf=${asOf}` : ''}`;
        const page = await admin.get(`/admin/reports/compliance?${query}`);
        expect(pageSummary(page.text)).toEqual({ teachers: expected.teachers, figures: expected.figures });
        expect(new Map([...pageGroups(page.text)].sort())).toEqual(new Map([...expected.byKey].sort()));

        const csv = fromCsv(parse((await admin.get(`/admin/reports/compliance?${query}&format=csv`)).text, { bom: true, relax_column_count: true }));
        const jsonBody = (await admin.get(`/admin/reports/compliance?${query}&format=json`)).body;
        // JSON keys its groups as the page does ("org:<id>", "text:<typed>", a cohort's id).
        const json = fromJson({ ...jsonBody, groups: jsonBody.groups.map((g: { key: string }) => ({ ...g, name: g.key.replace(/^text:/, '') })) });
        expect({ teachers: json.teachers, figures: json.figures }).toEqual({ teachers: expected.teachers, figures: expected.figures });
        // Knowledge checked only: the JSON summary and the heat map's cells.
        const checkedJson = Object.fromEntries(jsonBody.summary.map((c: { code: string; checked: { count: number } }) => [c.code, c.checked.count]));
        expect(checkedJson).toEqual(expected.checked);
        const checkedPage = Object.fromEntries(
          [...page.text.matchAll(/data-code="([A-Z]{2}\.\d)" data-count="\d+" data-percent="[\d.]+" data-checked="(\d+)"/g)].map((m) => [m[1], Number(m[2])]),
        );
        expect(checkedPage).toEqual(expected.checked);
        expect(Object.values(expected.checked).some((n) => n > 0)).toBe(true);
        expect(new Map([...json.groups].sort())).toEqual(new Map([...expected.byKey].sort()));
        const xlsx = fromXlsx(await readWorkbook((await admin.get(`/admin/reports/compliance?${query}&format=xlsx`).responseType('blob')).body));
        for (const report of [csv, xlsx]) {
          expect({ teachers: report.teachers, figures: report.figures }).toEqual({ teachers: expected.teachers, figures: expected.figures });
          expect(new Map([...report.groups].sort())).toEqual(new Map([...expected.byName].sort()));
        }
      });
    }
  }

  it('drills into a place with the same figures as a recount of its people', async () => {
    const expected = await recount(ctx.db, 'region', { place: russia });
    const page = await admin.get(`/admin/reports/compliance?place=${russia}&group=region`);
    expect(pageSummary(page.text)).toEqual({ teachers: expected.teachers, figures: expected.figures });
    expect(new Map([...pageGroups(page.text)].sort())).toEqual(new Map([...expected.byKey].sort()));
  });

  it('states a target’s standing as the recount has it', async () => {
    await admin
      .post('/admin/reports/targets')
      .type('form')
      .send({ name: 'KA in Russia', scope: 'KA', percent: '90', dueDate: '2027-06-30', place: String(russia) });
    const expected = await recount(ctx.db, 'country', { place: russia });
    const [count, percent] = expected.figures.KA!;
    const page = await admin.get('/admin/reports/compliance/over-time');
    expect(page.text).toContain(`data-current="${percent}"`);
    expect(page.text).toContain(`(${count} of ${expected.teachers} teachers)`);
    const needed = Math.max(0, Math.ceil((90 * expected.teachers) / 100) - count);
    expect(page.text).toContain(needed === 1 ? '1 more teacher needed.' : needed ? `${needed} more teachers needed.` : 'Target met.');
  });
});
