import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { storedFiles } from '../../server/db/schema.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { HTML, ooxml, PDF, PNG } from './fixtures.ts';
import { filesOnDisk, storedCount, uploadApp } from './support.ts';

let ctx: TestContext;
let owner: { id: number };
let app: ReturnType<typeof uploadApp>;

beforeAll(async () => {
  // A 1 MB limit keeps the oversize case quick.
  ctx = await createTestApp({ courses: false, env: { MAX_UPLOAD_MB: '1' } });
  owner = await makeUser(ctx.db);
  app = uploadApp(ctx.db, ctx.config, owner.id);
});

describe('fileUpload', () => {
  it('stores an allowed file under a random sharded key and keeps the form fields readable', async () => {
    const docx = ooxml('docx');
    const res = await request(app)
      .post('/upload')
      .field('submissionKey', 'k-123')
      .field('text', 'My plan')
      .attach('file', docx, { filename: 'plan.docx', contentType: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.body.body).toEqual({ submissionKey: 'k-123', text: 'My plan' });
    const [row] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, res.body.file.id));
    // The browser's claimed type (text/html) is ignored: the content decides.
    expect(row).toMatchObject({ ownerId: owner.id, name: 'plan.docx', size: docx.length, deletedAt: null });
    expect(row!.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(row!.storageKey).toMatch(/^[0-9a-f]{32}$/);
    const onDisk = path.join(ctx.config.uploadsPath, row!.storageKey.slice(0, 2), row!.storageKey.slice(2, 4), row!.storageKey);
    expect(fs.readFileSync(onDisk).equals(docx)).toBe(true);
    expect(filesOnDisk(ctx.config).some((p) => p.endsWith('.tmp'))).toBe(false);
  });

  it('keeps a Cyrillic file name', async () => {
    const res = await request(app).post('/upload').attach('file', PDF, { filename: 'Журнал курса.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(200);
    expect(res.body.file.name).toBe('Журнал курса.pdf');
    expect(res.body.file.mediaType).toBe('application/pdf');
  });

  it.each([
    ['an HTML page named .pdf', 'report.pdf', HTML],
    ['a PNG named .pdf', 'photo.pdf', PNG],
    ['an SVG', 'x.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ])('refuses %s with a readable message and stores nothing', async (_what, filename, bytes) => {
    const before = { rows: await storedCount(ctx.db), disk: filesOnDisk(ctx.config).length };
    const res = await request(app).post('/upload').field('submissionKey', 'k-9').attach('file', bytes, { filename });
    expect(res.status).toBe(422);
    expect(res.body.problem).toBe('files:errors.type');
    expect(res.body.message).toContain('This type of file is not accepted');
    expect(res.body.body.submissionKey).toBe('k-9');
    expect({ rows: await storedCount(ctx.db), disk: filesOnDisk(ctx.config).length }).toEqual(before);
  });

  it('refuses a file over the limit in the reader’s language, stores nothing and keeps the fields sent before it', async () => {
    const before = { rows: await storedCount(ctx.db), disk: filesOnDisk(ctx.config).length };
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const res = await request(app).post('/upload').set('Accept-Language', 'ru').field('submissionKey', 'k-big').attach('file', big, { filename: 'big.pdf' });
    expect(res.status).toBe(422);
    expect(res.body.problem).toBe('files:errors.tooLarge');
    expect(res.body.message).toBe('Файл превышает допустимый размер. Выберите файл поменьше.');
    expect(res.body.body.submissionKey).toBe('k-big');
    expect({ rows: await storedCount(ctx.db), disk: filesOnDisk(ctx.config).length }).toEqual(before);
  });

  it('accepts a file of exactly the limit', async () => {
    const exact = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 - PDF.length, 0x20)]);
    const res = await request(app).post('/upload').attach('file', exact, { filename: 'exact.pdf' });
    expect(res.status).toBe(200);
    expect(res.body.file.size).toBe(1024 * 1024);
  });

  it('refuses two files, a file in another field and an empty file', async () => {
    const two = await request(app).post('/upload').attach('file', PDF, { filename: 'a.pdf' }).attach('file', PDF, { filename: 'b.pdf' });
    expect(two.status).toBe(422);
    expect(two.body.problem).toBe('files:errors.tooMany');
    const other = await request(app).post('/upload').attach('certificate', PDF, { filename: 'a.pdf' });
    expect(other.status).toBe(422);
    expect(other.body.problem).toBe('files:errors.unexpected');
    const empty = await request(app).post('/upload').attach('file', Buffer.alloc(0), { filename: 'a.pdf' });
    expect(empty.status).toBe(422);
    expect(empty.body.problem).toBe('files:errors.empty');
  });

  it('gives no file, not an error, when none was chosen or the form was not multipart', async () => {
    const none = await request(app).post('/upload').field('text', 'only text');
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ file: null, body: { text: 'only text' } });
    const plain = await request(app).post('/upload').type('form').send({ text: 'urlencoded' });
    expect(plain.body).toEqual({ file: null, body: { text: 'urlencoded' } });
  });

  it('answers a malformed multipart body with a problem, not a 500', async () => {
    const res = await request(app)
      .post('/upload')
      .set('Content-Type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-');
    expect(res.status).toBe(422);
    expect(res.body.problem).toBe('files:errors.unreadable');
  });
});
