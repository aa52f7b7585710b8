import jsonld from 'jsonld';
import bs58 from 'bs58';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { documentLoader } from '../../server/certificates/document-loader.ts';
import { revokeCertificate } from '../../server/certificates/issue.ts';
import { signingKey } from '../../server/certificates/keys.ts';
import { issuerKeys } from '../../server/db/schema.ts';
import { competencyByCode } from '../../server/framework/ict-cft.ts';
import { createTestApp } from '../helpers.ts';
import { certificateRow, EN_COURSE, sampleCourse } from './fixtures.ts';
import { issued, type Json } from './issued.ts';

const DID = 'did:web:localhost%3A3000';

describe('GET /certificates/:code.json', () => {
  it('is an Open Badges 3.0 OpenBadgeCredential by the did:web issuer, with the ICT-CFT alignments and a Bitstring status entry', async () => {
    const { ctx, code, credential } = await issued();
    const base = ctx.config.baseUrl;
    const course = await sampleCourse(ctx, EN_COURSE);
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.id).toBe(`${base}/certificates/${code}`);
    expect(credential.issuer).toEqual({ id: DID, type: ['Profile'], name: ctx.config.issuerName, url: base });
    expect(credential.validFrom).toBe('2025-03-05T10:00:00Z');
    expect(credential.name).toContain(course.title);
    expect(credential.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(credential.credentialSubject.identifier).toEqual([{ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Máret Ánte Sárá' }]);
    const achievement = credential.credentialSubject.achievement;
    expect(achievement).toMatchObject({
      id: `${base}/courses/${course.slug}`,
      type: ['Achievement'],
      name: course.title,
      criteria: { narrative: expect.any(String) },
    });
    expect(achievement.description).toContain(course.title);
    expect(achievement.alignment).toEqual(
      course.competencies.map((c) => ({
        type: ['Alignment'],
        targetName: competencyByCode(c)?.title,
        targetCode: c,
        targetFramework: 'UNESCO ICT Competency Framework for Teachers, Version 3',
        targetUrl: `${base}/framework/${c}`,
      })),
    );
    // The status list bit is the certificate's row id: nothing new is stored for it.
    const id = (await certificateRow(ctx, code))?.id as number;
    expect(credential.credentialStatus).toEqual({
      id: `${base}/credentials/status/1#${id}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(id),
      statusListCredential: `${base}/credentials/status/1`,
    });
  });

  it('carries one eddsa-rdfc-2022 Data Integrity proof, in an array, made with a key of the DID document', async () => {
    const { ctx, credential } = await issued();
    expect(credential.proof).toEqual([
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2025-03-05T10:00:00Z',
        verificationMethod: `${DID}#${(await signingKey(ctx.db)).id}`,
        proofPurpose: 'assertionMethod',
        proofValue: expect.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]+$/),
      },
    ]);
    expect(bs58.decode(credential.proof[0].proofValue.slice(1))).toHaveLength(64);
    const didDocument = (await request(ctx.app).get('/.well-known/did.json')).body;
    expect(didDocument.assertionMethod).toContain(credential.proof[0].verificationMethod);
  });

  it('reads the same on every download: the proof is made from the issue time and a deterministic signature', async () => {
    const { ctx, code, credential } = await issued();
    const again = (await request(ctx.app).get(`/certificates/${code}.json`)).body;
    expect(again).toEqual(credential);
  });

  it('expands in JSON-LD safe mode with the bundled contexts: every term is defined', async () => {
    const { credential } = await issued();
    await expect(jsonld.expand(credential, { documentLoader: documentLoader(), safe: true })).resolves.toBeDefined();
  });

  it('is served as JSON-LD, inline with a file name, readable from other origins', async () => {
    const { ctx, code } = await issued();
    const res = await request(ctx.app).get(`/certificates/${code}.json`);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="certificate-[A-Z0-9]{5}-[A-Z0-9]{5}\.json"$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 404 for an unknown code', async () => {
    const ctx = await createTestApp({ courses: false });
    expect((await request(ctx.app).get('/certificates/ZZZZZZZZZZ.json')).status).toBe(404);
  });
});

describe('GET /certificates/:code/status', () => {
  it('stays the 1EdTech revocation list that credentials signed before status lists point to, without the reason', async () => {
    const { ctx, code } = await issued();
    const base = ctx.config.baseUrl;
    const before = (await request(ctx.app).get(`/certificates/${code}/status`)).body;
    expect(before).toEqual({ id: `${base}/certificates/${code}/status`, issuer: `${base}/issuer`, revokedCredentials: [], status: 'valid' });
    await revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const after = await request(ctx.app).get(`/certificates/${code}/status`);
    expect(after.body.revokedCredentials).toEqual([{ id: `${base}/certificates/${code}`, revokedAt: '2025-05-01T00:00:00Z' }]);
    expect(after.body.status).toBe('revoked');
    expect(after.text).not.toContain('secret reason');
  });
});

describe('GET /issuer and /issuer/keys', () => {
  it('publish the Open Badges Profile, naming the DID and listing the key as a Multikey, and the same key as a JWKS', async () => {
    const { ctx, credential } = await issued();
    const base = ctx.config.baseUrl;
    const profile = (await request(ctx.app).get('/issuer')).body;
    const kid = credential.proof[0].verificationMethod.split('#')[1];
    expect(profile).toMatchObject({ id: `${base}/issuer`, type: ['Profile'], name: ctx.config.issuerName, url: base });
    expect(profile.otherIdentifier).toEqual([{ type: 'IdentifierEntry', identifier: DID, identifierType: 'identifier' }]);
    // Under /issuer too: eddsa-jcs-2022 proofs signed before did:web name /issuer#<key>.
    expect(profile.verificationMethod).toEqual([{ id: `${base}/issuer#${kid}`, type: 'Multikey', controller: `${base}/issuer`, publicKeyMultibase: kid }]);
    expect(profile.assertionMethod).toEqual([`${base}/issuer#${kid}`]);

    const jwks = (await request(ctx.app).get('/issuer/keys')).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid });
    // publicKeyMultibase = 'z' + base58btc(0xed 0x01 + the 32-byte key), the same key as the JWK's x.
    const multikey = bs58.decode(kid.slice(1));
    expect([...multikey.subarray(0, 2)]).toEqual([0xed, 0x01]);
    expect(Buffer.from(multikey.subarray(2)).toString('base64url')).toBe(jwks.keys[0].x);
  });

  it('is a Profile every term of which a bundled context defines (JSON-LD safe mode)', async () => {
    const ctx = await createTestApp({ courses: false });
    const profile = (await request(ctx.app).get('/issuer')).body as Json;
    const [expanded] = (await jsonld.expand(profile, { documentLoader: documentLoader(), safe: true })) as Json[];
    expect(expanded?.['@type']).toEqual(['https://purl.imsglobal.org/spec/vc/ob/vocab.html#Profile']);
    expect(Object.keys(expanded ?? {})).toEqual(
      expect.arrayContaining(['https://w3id.org/security#verificationMethod', 'https://w3id.org/security#assertionMethod']),
    );
  });

  it('makes the key pair once, stores it in issuer_keys and reuses it', async () => {
    const ctx = await createTestApp({ courses: false });
    expect(await ctx.db.select().from(issuerKeys)).toHaveLength(0);
    const first = (await request(ctx.app).get('/issuer/keys')).body.keys[0].kid;
    const second = (await request(ctx.app).get('/issuer')).body.assertionMethod[0];
    const rows = await ctx.db.select().from(issuerKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(first);
    expect(rows[0]?.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(second).toBe(`${ctx.config.baseUrl}/issuer#${first}`);
    expect((await signingKey(ctx.db)).id).toBe(first);
  });

  it('stores one key pair when several ask for the first one at once (instances starting together)', async () => {
    const ctx = await createTestApp({ courses: false });
    const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => signingKey(ctx.db, Date.now() + i)));
    const rows = await ctx.db.select().from(issuerKeys);
    expect(rows).toHaveLength(1);
    expect(new Set(keys.map((k) => k.id))).toEqual(new Set([rows[0]?.id]));
  });
});
