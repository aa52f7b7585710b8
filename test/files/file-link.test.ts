import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { uploadApp } from './support.ts';

let ctx: TestContext;
const rows = new Map<number, unknown>();
let app: ReturnType<typeof uploadApp>;
const DELETED_AT = Date.UTC(2026, 2, 5, 10);

beforeAll(async () => {
  ctx = await createTestApp({ courses: false });
  const owner = await makeUser(ctx.db);
  app = uploadApp(ctx.db, ctx.config, owner.id, rows);
  const base = { ownerId: owner.id, storageKey: 'k', mediaType: 'application/pdf', sha256: '', createdAt: 1, deletedBy: null };
  rows.set(1, { ...base, id: 41, name: 'План <урока>.pdf', size: 1_572_864, deletedAt: null });
  rows.set(2, { ...base, id: 42, name: 'notes.odt', size: 900, deletedAt: DELETED_AT, deletedBy: owner.id });
  rows.set(3, { ...base, id: 43, name: 'photo.png', size: 20_480, deletedAt: null });
});

describe('views/files/_file-link', () => {
  it('shows the name escaped, the size in the reader’s language and a download link', async () => {
    const ru = await request(app).get('/link/1').set('Accept-Language', 'ru');
    expect(ru.text).toContain('<a href="/files/41" download');
    expect(ru.text).toContain('План &lt;урока&gt;.pdf</a>');
    expect(ru.text).toContain('(1,5 МБ)');
    const en = await request(app).get('/link/3').set('Accept-Language', 'en');
    expect(en.text).toContain('(20 KB)');
    expect(en.text).not.toContain('<form');
  });

  it('says when a deleted file was deleted, with no link', async () => {
    const en = await request(app).get('/link/2');
    expect(en.text).toContain('File deleted on 5 March 2026');
    expect(en.text).not.toContain('href=');
    const ru = await request(app).get('/link/2').set('Accept-Language', 'ru');
    expect(ru.text).toContain('Файл удалён 5 марта 2026');
  });

  it('offers a delete form returning to the given page when asked', async () => {
    const res = await request(app).get('/link/1?back=/dashboard/portfolio');
    expect(res.text).toContain('<form method="post" action="/files/41/delete"');
    expect(res.text).toContain('name="back" value="/dashboard/portfolio"');
  });
});

describe('views/files/_file-input', () => {
  it('names the allowed types and the limit, and links its error to the field', async () => {
    const plain = await request(app).get('/input').set('Accept-Language', 'ru');
    expect(plain.text).toContain('не больше 20 МБ');
    expect(plain.text).toContain('accept=".pdf,.png,');
    expect(plain.text).not.toContain('aria-invalid');
    const refused = await request(app).get('/input?error=files:errors.tooLarge');
    expect(refused.text).toContain('aria-describedby="f-file-hint f-file-error" aria-invalid="true"');
    expect(refused.text).toContain('<p class="field-error" id="f-file-error">This file is larger than the size limit. Choose a smaller file.</p>');
  });
});
