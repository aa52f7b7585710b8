import http from 'node:http';
import https from 'node:https';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUNDLED_CONTEXT_URLS } from '../../server/certificates/contexts.ts';
import { documentLoader, RefusedDocumentError } from '../../server/certificates/document-loader.ts';
import { issuerDocumentLoader } from '../../server/certificates/issuer-documents.ts';
import { signingKey } from '../../server/certificates/keys.ts';
import { issued, type Json } from './issued.ts';

afterEach(() => vi.restoreAllMocks());

function contextsOf(document: Json): string[] {
  return [document['@context']].flat().filter((c): c is string => typeof c === 'string');
}

describe('the JSON-LD document loader', () => {
  it('serves a bundled copy of every context the issuer’s documents use', async () => {
    const { ctx, credential } = await issued();
    const documents = await Promise.all(
      ['/.well-known/did.json', '/issuer', '/credentials/status/1'].map(async (path) => (await request(ctx.app).get(path)).body),
    );
    const used = new Set([credential, ...documents].flatMap(contextsOf));
    expect(BUNDLED_CONTEXT_URLS).toEqual(expect.arrayContaining([...used]));
    const load = documentLoader();
    for (const url of used) expect(((await load(url)).document as Json)['@context'], url).toBeDefined();
  });

  it('refuses a URL it does not bundle, without any network call', async () => {
    const calls = [vi.spyOn(globalThis, 'fetch'), vi.spyOn(http, 'request'), vi.spyOn(http, 'get'), vi.spyOn(https, 'request'), vi.spyOn(https, 'get')];
    const load = documentLoader();
    for (const url of ['https://www.w3.org/2018/credentials/examples/v1', 'https://evil.example/context.jsonld', 'did:web:evil.example']) {
      await expect(load(url)).rejects.toBeInstanceOf(RefusedDocumentError);
    }
    for (const spy of calls) expect(spy).not.toHaveBeenCalled();
  });

  it('answers the issuer’s own DID, keys and status lists from the database, and refuses other issuers’', async () => {
    const { ctx } = await issued();
    const load = issuerDocumentLoader(ctx.db, ctx.config.baseUrl);
    const did = 'did:web:localhost%3A3000';
    const key = (await signingKey(ctx.db)).id;
    expect(((await load(did)).document as Json).id).toBe(did);
    expect((await load(`${did}#${key}`)).document).toEqual({
      '@context': 'https://w3id.org/security/multikey/v1',
      id: `${did}#${key}`,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: key,
    });
    expect(((await load(`${ctx.config.baseUrl}/credentials/status/1`)).document as Json).type).toContain('BitstringStatusListCredential');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    for (const url of [
      `${did}#z6MkUnknown`,
      'did:web:other.example',
      `${ctx.config.baseUrl}/credentials/status/2`,
      'https://other.example/credentials/status/1',
    ]) {
      await expect(load(url), url).rejects.toBeInstanceOf(RefusedDocumentError);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
