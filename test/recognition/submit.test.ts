import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { storedFiles } from '../../server/db/schema.ts';
import { agent, userAgent } from '../helpers.ts';
import { formBody, recognitionRows, submitted, useRecognitionSetup, validRequest } from './fixtures.ts';

const setup = useRecognitionSetup();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const inDays = (days: number) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

/** Files under the app's uploads folder (the bytes saveFile put). */
function filesOnDisk(root: string): string[] {
  return fs.existsSync(root) ? (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()) : [];
}

describe('GET /recognition', () => {
  it('shows the form with the 18 competencies in the reader language and a submission key', async () => {
    const { teacher } = await setup({ language: 'ru' });
    const res = await teacher.agent.get('/recognition?lang=ru');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Признание предшествующего обучения');
    expect(res.text.match(/name="competencies" value="K[ADC]\.[1-6]"/g)).toHaveLength(18);
    expect(res.text).toMatch(/name="submissionKey" value="[A-Za-z0-9_-]{16,}"/);
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends a visitor to sign in', async () => {
    const { ctx } = await setup();
    const res = await request(ctx.app).get('/recognition');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });
});

describe('POST /recognition', () => {
  it('records a request with a link, hours as minutes, waiting, and lists it', async () => {
    const { ctx, teacher } = await setup();
    const res = await teacher.agent
      .post('/recognition')
      .type('form')
      .send(formBody(validRequest({ hours: '1,5' })));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/recognition?notice=sent');
    const [row] = await recognitionRows(ctx.db, teacher.user.id);
    expect(row).toMatchObject({
      provider: 'Open University',
      minutes: 90,
      completedOn: '2025-05-20',
      url: 'https://example.org/certificates/123',
      fileId: null,
      competencies: ['KA.1', 'KD.3', 'KC.2'],
      status: 'waiting',
      decidedBy: null,
    });
    const page = await teacher.agent.get(res.headers.location!);
    expect(page.text).toContain('Your request was sent.');
    expect(page.text).toContain(`href="/recognition/${row!.id}"`);
    expect(page.text).toContain('Waiting for review');
  });

  it('stores a certificate file sent with the form, without a link', async () => {
    const { ctx, teacher, trainer } = await setup();
    const fields = validRequest({ url: '' });
    let req = teacher.agent.post('/recognition');
    for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) req = req.field(key, v);
    const res = await req.attach('certificate', PDF, { filename: 'Сертификат.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(303);
    const [row] = await recognitionRows(ctx.db, teacher.user.id);
    expect(row!.url).toBeNull();
    expect(row!.competencies).toEqual(['KA.1', 'KD.3', 'KC.2']);
    const [file] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, row!.fileId!));
    expect(file).toMatchObject({ ownerId: teacher.user.id, name: 'Сертификат.pdf', mediaType: 'application/pdf', size: PDF.length });
    expect(filesOnDisk(ctx.config.uploadsPath)).toHaveLength(1);
    // The certificate is a download for the teacher and the trainer of their cohort; another trainer sees nothing.
    const page = await trainer.agent.get(`/recognition/${row!.id}`);
    expect(page.text).toContain(`href="/files/${file!.id}"`);
    expect((await trainer.agent.get(`/files/${file!.id}`)).status).toBe(200);
    expect((await teacher.agent.get(`/files/${file!.id}`)).status).toBe(200);
    const otherTrainer = await userAgent(ctx, { roles: ['trainer'] });
    expect((await otherTrainer.agent.get(`/files/${file!.id}`)).status).toBe(404);
  });

  it.each([
    ['provider', { provider: 'A' }, 'Enter the provider: 2 to 200 characters.'],
    ['provider', { provider: 'x'.repeat(201) }, 'Enter the provider: 2 to 200 characters.'],
    ['title', { title: 'ab' }, 'Enter the title: 3 to 200 characters.'],
    ['hours', { hours: '0.4' }, 'Enter the hours as a number from 0.5 to 1000'],
    ['hours', { hours: '1001' }, 'Enter the hours as a number from 0.5 to 1000'],
    ['hours', { hours: 'ten' }, 'Enter the hours as a number from 0.5 to 1000'],
    ['completedOn', { completedOn: inDays(3) }, 'not in the future and not before 1970'],
    ['completedOn', { completedOn: '1969-12-31' }, 'not in the future and not before 1970'],
    ['completedOn', { completedOn: '2025-02-30' }, 'not in the future and not before 1970'],
    ['url', { url: 'javascript:alert(1)' }, 'Enter a web address starting with http:// or https://.'],
    ['url', { url: 'ftp://example.org/x' }, 'Enter a web address starting with http:// or https://.'],
    ['competencies', { competencies: [] }, 'Tick at least one competency.'],
    ['competencies', { competencies: ['KA.1', 'KZ.9'] }, 'Tick at least one competency.'],
    ['certificate', { url: '' }, 'Attach the certificate as a file or give a link to it.'],
  ])('refuses a bad %s with 422 naming it, writing nothing', async (field, overrides, message) => {
    const { ctx, teacher } = await setup();
    const res = await teacher.agent
      .post('/recognition')
      .type('form')
      .send(formBody(validRequest(overrides as Record<string, string | string[]>)));
    expect(res.status).toBe(422);
    expect(res.text).toContain('The request was not sent.');
    expect(res.text).toContain(message);
    expect(res.text).toContain(`id="f-${field}-error"`);
    // The typed values come back, so only the bad field needs fixing.
    if (field !== 'provider') expect(res.text).toContain('value="Open University"');
    expect(await recognitionRows(ctx.db)).toHaveLength(0);
  });

  it('refuses a disallowed file with 422 and stores no file, even when the other fields are fine', async () => {
    const { ctx, teacher } = await setup();
    let req = teacher.agent.post('/recognition');
    for (const [key, value] of Object.entries(validRequest())) for (const v of [value].flat()) req = req.field(key, v);
    const res = await req.attach('certificate', Buffer.from('<html><script>alert(1)</script></html>'), {
      filename: 'cert.pdf',
      contentType: 'application/pdf',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="f-certificate-error"');
    expect(await recognitionRows(ctx.db)).toHaveLength(0);
    expect(await ctx.db.select().from(storedFiles)).toHaveLength(0);
  });

  it('stores no file when another field is refused, and asks for the file again', async () => {
    const { ctx, teacher } = await setup();
    let req = teacher.agent.post('/recognition');
    for (const [key, value] of Object.entries(validRequest({ title: '' }))) for (const v of [value].flat()) req = req.field(key, v);
    const res = await req.attach('certificate', PDF, { filename: 'cert.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The file you chose was not kept');
    expect(await ctx.db.select().from(storedFiles)).toHaveLength(0);
    expect(filesOnDisk(ctx.config.uploadsPath)).toHaveLength(0);
  });

  it('refuses type-confused fields with 422, never 500', async () => {
    const { ctx, teacher } = await setup();
    const res = await teacher.agent
      .post('/recognition')
      .type('form')
      .send(`${formBody(validRequest())}&provider=again&hours=2`);
    expect(res.status).toBe(422);
    expect(await recognitionRows(ctx.db)).toHaveLength(0);
  });

  it('makes one request from a double submit with the same submission key', async () => {
    const { ctx, teacher } = await setup();
    const body = formBody(validRequest({ submissionKey: 'key-0123456789abcdef' }));
    const [a, b] = await Promise.all([1, 2].map(() => teacher.agent.post('/recognition').type('form').send(body)));
    const again = await teacher.agent.post('/recognition').type('form').send(body);
    expect([a!.status, b!.status, again.status]).toEqual([303, 303, 303]);
    expect(await recognitionRows(ctx.db)).toHaveLength(1);
    // Another form (another key) is another request.
    await teacher.agent
      .post('/recognition')
      .type('form')
      .send(formBody(validRequest({ submissionKey: 'key-fedcba9876543210' })));
    expect(await recognitionRows(ctx.db)).toHaveLength(2);
  });

  it('refuses a post from another site', async () => {
    const { ctx, teacher } = await setup();
    const res = await teacher.agent.post('/recognition').set('Origin', 'https://evil.example').type('form').send(formBody(validRequest()));
    expect(res.status).toBe(403);
    expect(await recognitionRows(ctx.db)).toHaveLength(0);
  });
});

describe('POST /recognition/:id/withdraw', () => {
  it('deletes the owner’s waiting request and leaves its file as a tombstone', async () => {
    const { ctx, teacher, trainer } = await setup();
    let req = teacher.agent.post('/recognition');
    for (const [key, value] of Object.entries(validRequest())) for (const v of [value].flat()) req = req.field(key, v);
    await req.attach('certificate', PDF, { filename: 'cert.pdf', contentType: 'application/pdf' });
    const [row] = await recognitionRows(ctx.db);
    const res = await teacher.agent.post(`/recognition/${row!.id}/withdraw`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/recognition?notice=withdrawn');
    expect(await recognitionRows(ctx.db)).toHaveLength(0);
    const [file] = await ctx.db.select().from(storedFiles).where(eq(storedFiles.id, row!.fileId!));
    expect(file!.deletedAt).not.toBeNull();
    expect(file!.deletedBy).toBe(teacher.user.id);
    expect(filesOnDisk(ctx.config.uploadsPath)).toHaveLength(0);
    // Nothing is left to decide or to see.
    expect((await trainer.agent.post(`/recognition/${row!.id}/decision`).type('form').send({ decision: 'approve', competencies: 'KA.1' })).status).toBe(404);
    expect((await teacher.agent.get(`/recognition/${row!.id}`)).status).toBe(404);
  });

  it('answers 404 to anyone but the owner (reviewers included) and 409 once decided', async () => {
    const { ctx, teacher, trainer, admin } = await setup();
    const id = await submitted(ctx, teacher);
    for (const other of [trainer, admin]) expect((await other.agent.post(`/recognition/${id}/withdraw`)).status).toBe(404);
    expect((await agent(ctx.app).post(`/recognition/${id}/withdraw`)).status).toBe(303); // visitor: to sign in
    expect(await recognitionRows(ctx.db)).toHaveLength(1);
    await trainer.agent.post(`/recognition/${id}/decision`).type('form').send({ decision: 'reject', reason: 'No certificate number.' });
    const res = await teacher.agent.post(`/recognition/${id}/withdraw`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('can no longer be withdrawn');
    expect(await recognitionRows(ctx.db)).toHaveLength(1);
  });
});
