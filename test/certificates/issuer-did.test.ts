import jsonld from 'jsonld';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { issuerDid } from '../../server/certificates/did.ts';
import { documentLoader } from '../../server/certificates/document-loader.ts';
import { signingKey } from '../../server/certificates/keys.ts';
import { createTestApp } from '../helpers.ts';
import { addIssuerKey } from './fixtures.ts';

describe('issuerDid', () => {
  it('is did:web with the host, its port percent-encoded, and each path segment after a colon', () => {
    expect(issuerDid('http://localhost:3000')).toBe('did:web:localhost%3A3000');
    expect(issuerDid('https://teachers.example.org')).toBe('did:web:teachers.example.org');
    expect(issuerDid('https://example.org/ict-cft/platform')).toBe('did:web:example.org:ict-cft:platform');
    expect(issuerDid('https://example.org:8443/ict')).toBe('did:web:example.org%3A8443:ict');
  });
});

describe('GET /.well-known/did.json', () => {
  it('is the DID document: every key as a Multikey verification method, authorised for assertions', async () => {
    const ctx = await createTestApp({ courses: false });
    const res = await request(ctx.app).get('/.well-known/did.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/did\+ld\+json/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const did = 'did:web:localhost%3A3000';
    const key = (await signingKey(ctx.db)).id;
    expect(JSON.parse(res.text)).toEqual({
      // The DID context first: verifiers then read the document as it is, without framing it.
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      alsoKnownAs: [`${ctx.config.baseUrl}/issuer`],
      verificationMethod: [{ id: `${did}#${key}`, type: 'Multikey', controller: did, publicKeyMultibase: key }],
      assertionMethod: [`${did}#${key}`],
    });
    await expect(jsonld.expand(res.body, { documentLoader: documentLoader(), safe: true })).resolves.toHaveLength(1);
  });

  it('keeps publishing old keys after a new one is added (rotation)', async () => {
    const ctx = await createTestApp({ courses: false });
    const old = (await signingKey(ctx.db)).id;
    const added = await addIssuerKey(ctx, Date.now() + 1000);
    const document = (await request(ctx.app).get('/.well-known/did.json')).body;
    expect(document.assertionMethod).toEqual([`did:web:localhost%3A3000#${old}`, `did:web:localhost%3A3000#${added}`]);
  });

  it('is answered at /did.json instead when BASE_URL has a path, as did:web maps it', async () => {
    const ctx = await createTestApp({ courses: false, env: { BASE_URL: 'https://example.org/ict' } });
    const res = await request(ctx.app).get('/did.json');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('did:web:example.org:ict');
    expect((await request(ctx.app).get('/.well-known/did.json')).status).toBe(404);
  });
});
