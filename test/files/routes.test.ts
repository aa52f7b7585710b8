import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { cohortMembers, cohorts, cohortTrainers, storedFiles } from '../../server/db/schema.ts';
import { type StoredFile, saveFile } from '../../server/files/queries.ts';
import { fileStore } from '../../server/files/store.ts';
import { binaryBody, createTestApp, type TestContext, userAgent } from '../helpers.ts';
import { PDF } from './fixtures.ts';

type Person = Awaited<ReturnType<typeof userAgent>>;

let ctx: TestContext;
let owner: Person;
let admin: Person;
let ownersTrainer: Person;
let otherTrainer: Person;
let invitedTrainer: Person;
let otherTeacher: Person;

async function cohortOf(trainerId: number, memberId: number, status: 'active' | 'invited' = 'active') {
  const [cohort] = await ctx.db
    .insert(cohorts)
    .values({ name: `Cohort of ${trainerId}`, startDate: '2026-01-01', createdBy: trainerId, createdAt: Date.now() })
    .returning({ id: cohorts.id });
  await ctx.db.insert(cohortTrainers).values({ cohortId: cohort!.id, userId: trainerId });
  await ctx.db.insert(cohortMembers).values({ cohortId: cohort!.id, userId: memberId, addedAt: Date.now(), status });
}

function upload(ownerId: number, name = 'Журнал курса.pdf', bytes = PDF): Promise<StoredFile> {
  return saveFile(ctx.db, fileStore(ctx.config), { ownerId, name, bytes, mediaType: 'application/pdf', now: Date.now() });
}

function diskPath(file: StoredFile): string {
  return path.join(ctx.config.uploadsPath, file.storageKey.slice(0, 2), file.storageKey.slice(2, 4), file.storageKey);
}

beforeAll(async () => {
  ctx = await createTestApp({ courses: false });
  owner = await userAgent(ctx);
  admin = await userAgent(ctx, { roles: ['admin'] });
  ownersTrainer = await userAgent(ctx, { roles: ['trainer'] });
  otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
  invitedTrainer = await userAgent(ctx, { roles: ['trainer'] });
  otherTeacher = await userAgent(ctx);
  await cohortOf(ownersTrainer.user.id, owner.user.id);
  await cohortOf(otherTrainer.user.id, otherTeacher.user.id);
  // An invitation the owner has not accepted gives that cohort's trainer nothing.
  await cohortOf(invitedTrainer.user.id, owner.user.id, 'invited');
});

describe('GET /files/:id', () => {
  it('sends the bytes as a download that cannot run on our origin, with the Cyrillic name intact', async () => {
    const file = await upload(owner.user.id);
    const res = await owner.agent.get(`/files/${file.id}`).buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(PDF)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(res.headers['cache-control']).toBe('private, no-store');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^attachment; filename="[ -~]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe('Журнал курса.pdf');
  });

  it.each([
    ['the owner', () => owner],
    ['an administrator', () => admin],
    ['a trainer of a cohort the owner belongs to', () => ownersTrainer],
  ])('lets %s download it', async (_who, person) => {
    const file = await upload(owner.user.id, 'plan.pdf');
    const res = await person().agent.get(`/files/${file.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename=plan.pdf');
  });

  it.each([
    ['another cohort’s trainer', () => otherTrainer],
    ['the trainer of a cohort the owner was only invited to', () => invitedTrainer],
    ['another teacher', () => otherTeacher],
  ])('answers 404 to %s', async (_who, person) => {
    const file = await upload(owner.user.id);
    const res = await person().agent.get(`/files/${file.id}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.text).not.toContain('%PDF');
  });

  it('sends a visitor to sign in', async () => {
    const file = await upload(owner.user.id);
    const res = await request(ctx.app).get(`/files/${file.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/files/${file.id}`)}`);
  });

  it('answers 404 to ids that are not files', async () => {
    for (const id of ['999999', 'abc', '0', '1e3', '-1']) expect((await owner.agent.get(`/files/${id}`)).status).toBe(404);
  });
});

describe('POST /files/:id/delete', () => {
  it('lets the owner delete: the bytes go, the row stays as a tombstone and the download says when (410)', async () => {
    const file = await upload(owner.user.id);
    expect(fs.existsSync(diskPath(file))).toBe(true);
    const res = await owner.agent.post(`/files/${file.id}/delete`).type('form').send({ back: '/dashboard/portfolio' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/portfolio');
    expect(fs.existsSync(diskPath(file))).toBe(false);
    const [row] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, file.id));
    expect(row).toMatchObject({ deletedBy: owner.user.id, name: 'Журнал курса.pdf', size: PDF.length });
    expect(row!.deletedAt).toBeGreaterThan(0);
    const gone = await ownersTrainer.agent.get(`/files/${file.id}`);
    expect(gone.status).toBe(410);
    expect(gone.headers['cache-control']).toContain('no-store');
    expect(gone.text).toContain('File deleted');
    expect(gone.text).toContain(
      `The file “Журнал курса.pdf” was deleted on ${new Date(row!.deletedAt!).toLocaleDateString('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' })}`,
    );
    // Deleting again changes nothing and still returns the person where they were.
    const again = await owner.agent.post(`/files/${file.id}/delete`).type('form').send({});
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/dashboard');
  });

  it('lets an administrator delete another person’s file', async () => {
    const file = await upload(owner.user.id);
    const res = await admin.agent.post(`/files/${file.id}/delete`).type('form').send({ back: '//evil.example/x' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const [row] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, file.id));
    expect(row!.deletedBy).toBe(admin.user.id);
    expect(fs.existsSync(diskPath(file))).toBe(false);
  });

  it.each([
    ['the owner’s trainer (who may only read it)', () => ownersTrainer],
    ['another teacher', () => otherTeacher],
  ])('answers 404 to %s and deletes nothing', async (_who, person) => {
    const file = await upload(owner.user.id);
    const res = await person().agent.post(`/files/${file.id}/delete`).type('form').send({});
    expect(res.status).toBe(404);
    const [row] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, file.id));
    expect(row!.deletedAt).toBeNull();
    expect(fs.existsSync(diskPath(file))).toBe(true);
  });

  it('refuses a cross-site post', async () => {
    const file = await upload(owner.user.id);
    const res = await owner.agent.post(`/files/${file.id}/delete`).set('Origin', 'https://evil.example').type('form').send({});
    expect(res.status).toBe(403);
    expect(fs.existsSync(diskPath(file))).toBe(true);
  });
});
