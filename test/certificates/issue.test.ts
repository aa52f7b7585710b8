import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, formatCode, generateCode, normaliseCode, uniqueCode } from '../../server/certificates/code.ts';
import { certificatesOfUser, issueCertificate, reissueCertificate, revokeCertificate } from '../../server/certificates/issue.ts';
import { certificates, courses, users } from '../../server/db/schema.ts';
import { COMPETENCIES } from '../../server/framework/ict-cft.ts';
import { createTestApp, makeUser } from '../helpers.ts';
import { certificateRow, certify, completeCourse, RU_COURSE, sampleCourse } from './fixtures.ts';

describe('verification codes', () => {
  it('are ten characters from an alphabet without 0, O, 1, I or L', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
    }
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('are printed in groups of five', () => {
    expect(formatCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });

  it('are read back whatever the case, spaces and dashes', () => {
    expect(normaliseCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normaliseCode(' ABCDE FGHJK ')).toBe('ABCDEFGHJK');
    expect(normaliseCode('abcde–fghjk')).toBe('ABCDEFGHJK'); // en dash from a word processor
    expect(normaliseCode('ＡＢＣＤＥ-ＦＧＨＪＫ')).toBe('ABCDEFGHJK'); // full-width letters
  });

  it('read Cyrillic look-alike letters, typed with a Russian keyboard layout on, as the Latin ones', () => {
    // А В Е К М Н Р С Т Х У and З (for 3) in Cyrillic, upper and lower case.
    expect(normaliseCode('АВЕКМ-НРСТХ')).toBe('ABEKMHPCTX');
    expect(normaliseCode('авекм-нрстх')).toBe('ABEKMHPCTX');
    expect(normaliseCode('УЗ234-5678Z')).toBe('Y32345678Z');
    // Letters that look like nothing in the alphabet still make the code invalid.
    expect(normaliseCode('ЖЖЖЖЖ-ЖЖЖЖЖ')).toBeNull();
  });

  it('refuse anything that cannot be a code', () => {
    for (const bad of ['', 'ABCDE', 'ABCDE-FGHJ0', 'OOOOOIIIII', '../../etc', 'ABCDE-FGHJK.pdf', undefined, 42]) expect(normaliseCode(bad)).toBeNull();
  });

  it('are retried when one is already taken', async () => {
    const taken = new Set<string>();
    let calls = 0;
    const code = await uniqueCode(async (c) => {
      calls++;
      if (calls < 3) {
        taken.add(c);
        return true;
      }
      return taken.has(c);
    });
    expect(calls).toBe(3);
    expect(taken.has(code)).toBe(false);
    await expect(uniqueCode(() => true)).rejects.toThrow(/unused certificate code/);
  });
});

describe('issueCertificate (inside the completion transaction)', () => {
  it('issues a certificate with the name, course facts and competencies as they are at completion', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db, { name: 'Máret Ánte Sárá' });
    const now = Date.UTC(2025, 2, 5, 10);
    const result = await completeCourse(ctx, learner.id, RU_COURSE, now);
    expect(result).toEqual({ code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{10}$/), created: true });

    const course = await sampleCourse(ctx, RU_COURSE);
    const row = await certificateRow(ctx, result?.code as string);
    expect(row).toMatchObject({
      userId: learner.id,
      courseId: course.id,
      learnerName: 'Máret Ánte Sárá',
      courseTitle: course.title,
      courseLanguage: 'ru',
      hours: course.hours,
      issuerName: ctx.config.issuerName,
      issuedAt: now,
      revokedAt: null,
      revokedReason: null,
      replacedByCode: null,
    });
    // Distinct codes of the active modules, in framework order.
    const order = COMPETENCIES.map((c) => c.code as string);
    expect(row?.competencies).toEqual(course.competencies);
    expect(row?.competencies.length).toBeGreaterThan(0);
    expect([...(row?.competencies ?? [])].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(row?.competencies);
    expect(new Set(row?.competencies).size).toBe(row?.competencies.length);
  });

  it('is idempotent: a second call returns the same code and writes nothing', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const first = await completeCourse(ctx, learner.id);
    const second = await completeCourse(ctx, learner.id, undefined, Date.UTC(2026, 0, 1));
    expect(second).toEqual({ code: first?.code, created: false });
    expect(await ctx.db.select().from(certificates).where(eq(certificates.userId, learner.id))).toHaveLength(1);
  });

  it('keeps the name as it was at issue when the learner later renames themselves', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db, { name: 'Lukasz Zolc' });
    const code = await certify(ctx, learner.id);
    await ctx.db.update(users).set({ name: 'Łukasz Żółć' }).where(eq(users.id, learner.id));
    expect((await certificateRow(ctx, code))?.learnerName).toBe('Lukasz Zolc');
  });

  it('returns null when the course awards no certificate', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const course = await sampleCourse(ctx);
    await ctx.db.update(courses).set({ certificate: false }).where(eq(courses.id, course.id));
    expect(await ctx.db.transaction((tx) => issueCertificate(tx, { userId: learner.id, courseId: course.id, issuerName: 'X', now: Date.now() }))).toBeNull();
    expect(await ctx.db.select().from(certificates)).toHaveLength(0);
  });

  it('rolls back with the caller’s transaction', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const course = await sampleCourse(ctx);
    await expect(
      ctx.db.transaction(async (tx) => {
        const issued = await issueCertificate(tx, { userId: learner.id, courseId: course.id, issuerName: 'X', now: Date.now() });
        expect(issued?.created).toBe(true);
        throw new Error('completion failed later');
      }),
    ).rejects.toThrow('completion failed later');
    expect(await ctx.db.select().from(certificates)).toHaveLength(0);
  });
});

describe('certificatesOfUser', () => {
  it('lists the current certificates, revoked ones marked, replaced ones left out', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const other = await makeUser(ctx.db);
    const first = await certify(ctx, learner.id, 'ict-primary-education', Date.UTC(2025, 0, 1));
    const second = await certify(ctx, learner.id, 'media-information-literacy', Date.UTC(2025, 1, 1));
    await certify(ctx, other.id);
    await revokeCertificate(ctx.db, second, { reason: 'issued by mistake', now: Date.UTC(2025, 1, 2) });
    const reissued = await reissueCertificate(ctx.db, first, { issuerName: 'X', now: Date.UTC(2025, 3, 1) });
    expect(reissued.ok).toBe(true);

    const list = await certificatesOfUser(ctx.db, learner.id);
    expect(list.map((c) => c.code)).toEqual([reissued.ok ? reissued.code : '', second]);
    expect(list[1]).toEqual({
      code: second,
      courseTitle: 'Media and Information Literacy for Teachers',
      issuedAt: Date.UTC(2025, 1, 1),
      revokedAt: Date.UTC(2025, 1, 2),
    });
    expect(list[0]?.revokedAt).toBeNull();
  });
});

describe('reissueCertificate', () => {
  it('issues a new certificate with the current name and points the old one at it, in one transaction', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db, { name: 'Anna Ivanova' });
    const old = await certify(ctx, learner.id);
    await ctx.db.update(users).set({ name: 'Анна Иванова' }).where(eq(users.id, learner.id));
    const result = await reissueCertificate(ctx.db, old, { issuerName: 'Arctic Institute', now: Date.UTC(2025, 5, 1) });
    if (!result.ok) throw new Error(result.reason);
    expect((await certificateRow(ctx, old))?.replacedByCode).toBe(result.code);
    expect(await certificateRow(ctx, result.code)).toMatchObject({
      learnerName: 'Анна Иванова',
      issuerName: 'Arctic Institute',
      replacedByCode: null,
      courseTitle: (await certificateRow(ctx, old))?.courseTitle,
    });
    expect(await reissueCertificate(ctx.db, old, { issuerName: 'X', now: Date.now() })).toEqual({ ok: false, reason: 'replaced' });
  });

  it('refuses a revoked certificate and an unknown code', async () => {
    const ctx = await createTestApp();
    const learner = await makeUser(ctx.db);
    const code = await certify(ctx, learner.id);
    await revokeCertificate(ctx.db, code, { reason: 'fraud', now: Date.now() });
    expect(await reissueCertificate(ctx.db, code, { issuerName: 'X', now: Date.now() })).toEqual({ ok: false, reason: 'revoked' });
    expect(await reissueCertificate(ctx.db, 'ZZZZZZZZZZ', { issuerName: 'X', now: Date.now() })).toEqual({ ok: false, reason: 'unknown' });
  });
});
