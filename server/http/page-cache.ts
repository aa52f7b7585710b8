import type { RequestHandler, Response } from 'express';
import { type Catalogue, getCatalogue } from '../courses/catalogue.ts';
import type { Db } from '../db/client.ts';
import { chooseEncoding, type EncodedBody, type Encoding, encodeBody, isPartialRequest, sendHtml } from './html-response.ts';
import { mustNotStore } from './no-store.ts';

// Course content pages (catalogue, course, module, framework) are the same for every signed-out
// visitor who reads them in the same language: nothing on them depends on a person. They change
// only when course packages are loaded, which builds a new catalogue snapshot, so the cache hangs
// off the snapshot and is dropped with it: there is nothing to invalidate by hand. A signed-in
// person's pages show their own progress and are always rendered afresh.

const MAX_BYTES = 16 * 1024 * 1024; // bounds memory whatever query strings visitors invent

class CachedPage {
  /** Each encoding compressed once, on first use (concurrent first uses share the promise). */
  readonly variants = new Map<Encoding, Promise<EncodedBody>>();
  bytes: number;

  constructor(readonly html: Buffer) {
    this.bytes = html.length;
  }
}

export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_BYTES) {}

  get size(): number {
    return this.pages.size;
  }

  /** The cached page encoded as asked, or undefined. */
  get(key: string, encoding: Encoding): Promise<EncodedBody> | undefined {
    const page = this.pages.get(key);
    return page && this.encoded(key, page, encoding);
  }

  /** Stores a page and hands it back encoded as asked. */
  set(key: string, html: string, encoding: Encoding): Promise<EncodedBody> {
    const page = new CachedPage(Buffer.from(html));
    this.remove(key);
    this.pages.set(key, page);
    this.grow(page.bytes);
    return this.encoded(key, page, encoding);
  }

  private encoded(key: string, page: CachedPage, encoding: Encoding): Promise<EncodedBody> {
    let variant = page.variants.get(encoding);
    if (!variant) {
      variant = encodeBody(page.html, encoding).then((encoded) => {
        // Counted only while the page is still cached (it may have been evicted meanwhile).
        if (encoded.body !== page.html && this.pages.get(key) === page) {
          page.bytes += encoded.body.length;
          this.grow(encoded.body.length);
        }
        return encoded;
      });
      page.variants.set(encoding, variant);
    }
    return variant;
  }

  private remove(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.bytes -= old.bytes;
    this.pages.delete(key);
  }

  private grow(bytes: number): void {
    this.bytes += bytes;
    // Oldest first: a Map iterates in insertion order.
    for (const key of this.pages.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(key);
    }
  }
}

const caches = new WeakMap<Catalogue, PageCache>();

async function cacheFor(db: Db): Promise<PageCache> {
  const catalogue = await getCatalogue(db);
  let cache = caches.get(catalogue);
  if (!cache) {
    cache = new PageCache();
    caches.set(catalogue, cache);
  }
  return cache;
}

interface PendingPage {
  cache: PageCache;
  key: string;
}

/**
 * Route middleware for course content pages: a signed-out GET is answered from the cache when
 * it can be, otherwise render() stores what it renders with a 200.
 */
export function sharedWhenSignedOut(db: Db): RequestHandler {
  return async (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || res.locals.user || mustNotStore(res)) return next();
    const cache = await cacheFor(db);
    const key = `${res.locals.lang}|${isPartialRequest(req) ? 'fragment' : 'page'}|${req.originalUrl}`;
    const page = cache.get(key, chooseEncoding(req));
    if (page) return sendHtml(res, await page);
    res.locals.pendingPage = { cache, key } satisfies PendingPage;
    next();
  };
}

/** Called by render() with a page it is about to send: cached when the route asked for it. */
export function storeIfShared(res: Response, html: string, encoding: Encoding, status: number): Promise<EncodedBody> | undefined {
  const pending = res.locals.pendingPage as PendingPage | undefined;
  if (!pending || status !== 200 || mustNotStore(res)) return undefined;
  return pending.cache.set(pending.key, html, encoding);
}
