import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { cleanFileName } from '../../server/files/queries.ts';
import { diskFileStore, fileStore, newStorageKey } from '../../server/files/store.ts';

const temporaryRoot = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'store-')), 'not-yet-made');

describe('diskFileStore', () => {
  it('creates its folder on demand, keeps whole files in two levels of folders and removes them', async () => {
    const root = temporaryRoot();
    const store = diskFileStore(root);
    const key = newStorageKey();
    await store.put(key, Buffer.from('hello'));
    const file = path.join(root, key.slice(0, 2), key.slice(2, 4), key);
    expect(fs.readFileSync(file, 'utf8')).toBe('hello');
    expect(fs.readdirSync(path.dirname(file))).toEqual([key]); // no temporary file left behind
    const stream = await store.open(key);
    expect(await text(stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)).toBe('hello');
    await store.remove(key);
    expect(fs.existsSync(file)).toBe(false);
    expect(await store.open(key)).toBeNull();
    await store.remove(key); // removing twice is fine
  });

  it('accepts only its own keys, so no path can leave its folder', async () => {
    const store = diskFileStore(temporaryRoot());
    for (const key of ['../../etc/passwd', 'ABCDEF0123456789abcdef0123456789', 'abc', `${newStorageKey()}/x`]) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow('invalid storage key');
      await expect(store.open(key)).rejects.toThrow('invalid storage key');
    }
  });

  it('makes 128-bit random keys', () => {
    const keys = new Set(Array.from({ length: 100 }, newStorageKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives one store per uploads folder', () => {
    const a = fileStore({ uploadsPath: temporaryRoot() });
    expect(fileStore({ uploadsPath: temporaryRoot() })).not.toBe(a);
    const root = temporaryRoot();
    expect(fileStore({ uploadsPath: root })).toBe(fileStore({ uploadsPath: root }));
  });
});

describe('cleanFileName', () => {
  it.each([
    ['C:\\Users\\Анна\\Desktop\\План урока.docx', 'План урока.docx'],
    ['../../etc/passwd', 'passwd'],
    ['report\u0000\u0007.pdf', 'report.pdf'],
    // A right-to-left override would show "invoice\u202Efdp.exe" as "invoiceexe.pdf".
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['  lots   of\tspace .pdf ', 'lots of space .pdf'],
    ['', 'file'],
    ['..', 'file'],
  ])('cleans %j to %j', (name, cleaned) => {
    expect(cleanFileName(name)).toBe(cleaned);
  });

  it('shortens a long name to 200 characters and keeps its extension', () => {
    const cleaned = cleanFileName(`${'ж'.repeat(300)}.pdf`);
    expect(Array.from(cleaned)).toHaveLength(200);
    expect(cleaned.endsWith('ж.pdf')).toBe(true);
  });
});
