import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

/**
 * Where uploaded bytes live. The disk store below is the only one today; an object store (S3 and
 * the like) can implement the same three calls later without the features noticing.
 */
export interface FileStore {
  /** Stores the bytes under a key; a reader never sees a half-written file. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes as a stream, or null when nothing is stored under the key. */
  open(key: string): Promise<NodeJS.ReadableStream | null>;
  /** Forgets the bytes; removing a missing key is not an error. */
  remove(key: string): Promise<void>;
}

const KEY = /^[0-9a-f]{32}$/;

/** A fresh storage key: 128 random bits in hex, never anything a user typed. */
export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Files under root in two levels of folders named by the key's first four hex digits (ab/cd/abcd…),
 * so no folder grows to hundreds of thousands of entries. Only well-formed keys are accepted, so
 * a path can never step outside root.
 */
export function diskFileStore(root: string): FileStore {
  const where = (key: string) => {
    if (!KEY.test(key)) throw new Error('invalid storage key');
    return path.join(root, key.slice(0, 2), key.slice(2, 4), key);
  };
  return {
    async put(key, bytes) {
      const file = where(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      // Written under a temporary name, flushed, then renamed: the final name only ever holds whole files.
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await fs.promises.open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.promises.rename(temporary, file);
      } catch (error) {
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
    },
    async open(key) {
      try {
        // Opening first (not checking, then opening) leaves no gap for a removal to fall into.
        const handle = await fs.promises.open(where(key), 'r');
        return handle.createReadStream();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await fs.promises.rm(where(key), { force: true });
    },
  };
}

const stores = new Map<string, FileStore>();

/** The store for a configuration: one per uploads folder (tests give each app its own). */
export function fileStore(config: Pick<Config, 'uploadsPath'>): FileStore {
  let store = stores.get(config.uploadsPath);
  if (!store) {
    store = diskFileStore(config.uploadsPath);
    stores.set(config.uploadsPath, store);
  }
  return store;
}
