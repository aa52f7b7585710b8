import fs from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { storedFiles, submissions } from '../../server/db/schema.ts';
import { userAgent } from '../helpers.ts';
import { assignmentCourse, enrolledTeacher, keyIn, pageUrl } from './fixtures.ts';

// An assignment that takes a file: the form is multipart, the file goes through the files API
// (allow-list, size limit) and is stored with the version; the history links to its download.

const { ctx, upload } = await assignmentCourse();
const submit = `${pageUrl(upload)}/submission`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const versionsOf = (userId: number) =>
  ctx.db
    .select()
    .from(submissions)
    .where(and(eq(submissions.userId, userId), eq(submissions.moduleId, upload.id)));
const filesOf = (userId: number) => ctx.db.select().from(storedFiles).where(eq(storedFiles.ownerId, userId));
type Agent = Awaited<ReturnType<typeof userAgent>>['agent'];

async function send(a: Agent, file: { bytes: Buffer; name: string } | null, fields: Record<string, string> = {}) {
  const page = await a.get(pageUrl(upload));
  let req = a.post(submit).field('submissionKey', keyIn(page.text)!);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.bytes, { filename: file.name, contentType: 'application/octet-stream' });
  return req;
}

/** Every file under the uploads folder (the store shards them in two levels of folders). */
function bytesOnDisk(): string[] {
  if (!fs.existsSync(ctx.config.uploadsPath)) return [];
  return fs
    .readdirSync(ctx.config.uploadsPath, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('handing in a file', () => {
  it('offers a multipart form with a file field only', async () => {
    const { agent: a } = await enrolledTeacher(ctx);
    const page = await a.get(pageUrl(upload));
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toMatch(/<input id="f-file" name="file" type="file" accept="[^"]*\.pdf/);
    expect(page.text).not.toContain('name="text"');
  });

  it('stores the file with version 1 and links it from the history', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const res = await send(a, { bytes: PDF, name: 'production plan.pdf' });
    expect(res.status).toBe(303);
    const [file] = await filesOf(user.id);
    expect(file).toMatchObject({ name: 'production plan.pdf', mediaType: 'application/pdf', size: PDF.length });
    const [row] = await versionsOf(user.id);
    expect(row).toMatchObject({ version: 1, status: 'waiting', fileId: file!.id, text: null, url: null });
    const page = await a.get(pageUrl(upload));
    expect(page.text).toContain(`href="/files/${file!.id}" download`);
    expect(page.text).toContain('production plan.pdf');
  });

  it('keeps no bytes for a refused hand-in or a repeated one: only the stored version’s file is on disk', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const before = bytesOnDisk().length;
    const page = await a.get(pageUrl(upload));
    const key = keyIn(page.text)!;
    const post = () => a.post(submit).field('submissionKey', key).attach('file', PDF, { filename: 'plan.pdf', contentType: 'application/pdf' });
    expect((await post()).status).toBe(303);
    expect((await post()).status).toBe(303); // the same form again: the version it made answers
    const again = await a.post(submit).field('submissionKey', 'another-key-000000').attach('file', PDF, { filename: 'plan.pdf' });
    expect(again.status).toBe(422); // refused: version 1 is waiting for review
    expect(await filesOf(user.id)).toHaveLength(1);
    expect(bytesOnDisk().length).toBe(before + 1);
  });

  it('refuses a file the allow-list does not take (an HTML page named .pdf): 422 on the file field, nothing written', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const res = await send(a, { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: 'plan.pdf' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/<p class="field-error" id="f-file-error">[^<]+<\/p>/);
    expect(await versionsOf(user.id)).toHaveLength(0);
    expect(await filesOf(user.id)).toHaveLength(0);
  });

  it('refuses a file over MAX_UPLOAD_MB: 422 naming the file field, nothing written', async () => {
    const small = await assignmentCourse({ MAX_UPLOAD_MB: '1' });
    const { user, agent: a } = await enrolledTeacher(small.ctx);
    const page = await a.get(pageUrl(small.upload));
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const res = await a
      .post(`${pageUrl(small.upload)}/submission`)
      .field('submissionKey', keyIn(page.text)!)
      .attach('file', big, { filename: 'big.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/<p class="field-error" id="f-file-error">[^<]+<\/p>/);
    expect(await small.ctx.db.select().from(submissions).where(eq(submissions.userId, user.id))).toHaveLength(0);
    expect(await small.ctx.db.select().from(storedFiles).where(eq(storedFiles.ownerId, user.id))).toHaveLength(0);
  });

  it('answers 403 to a teacher not enrolled before reading the file: nothing stored', async () => {
    const { user, agent: a } = await userAgent(ctx);
    const res = await a.post(submit).field('submissionKey', 'not-enrolled-key-1234').attach('file', PDF, 'plan.pdf');
    expect(res.status).toBe(403);
    expect(await filesOf(user.id)).toHaveLength(0);
    expect(await versionsOf(user.id)).toHaveLength(0);
  });

  it('refuses text for an assignment that takes a file only, and an empty form', async () => {
    const { user, agent: a } = await enrolledTeacher(ctx);
    const text = await send(a, null, { text: 'Only words' });
    expect(text.status).toBe(422);
    expect(text.text).toContain('Your text: this assignment does not take this kind of work.');
    const empty = await send(a, null);
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Fill in at least one field');
    expect(await versionsOf(user.id)).toHaveLength(0);
  });
});
