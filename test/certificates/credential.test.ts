import crypto from 'node:crypto';
import bs58 from 'bs58';
import canonicalize from 'canonicalize';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { verifyCredential } from '../../server/certificates/credential.ts';
import { reissueCertificate, revokeCertificate } from '../../server/certificates/issue.ts';
import { signingKey } from '../../server/certificates/keys.ts';
import { issuerKeys } from '../../server/db/schema.ts';
import { competencyByCode } from '../../server/framework/ict-cft.ts';
import { agent, createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { certify, EN_COURSE, sampleCourse } from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: credential JSON is read freely in assertions
type Json = Record<string, any>;

async function credentialOf(ctx: TestContext, code: string): Promise<Json> {
  const res = await request(ctx.app).get(`/certificates/${code}.json`);
  expect(res.status).toBe(200);
  return res.body as Json;
}

async function issued(name = 'Máret Ánte Sárá') {
  const ctx = createTestApp();
  const learner = await makeUser(ctx.db, { name });
  const code = certify(ctx, learner.id, EN_COURSE, Date.UTC(2025, 2, 5, 10));
  return { ctx, learner, code, credential: await credentialOf(ctx, code) };
}

describe('GET /certificates/:code.json', () => {
  it('is an Open Badges 3.0 OpenBadgeCredential with the course, its ICT-CFT alignments and a revocation status', async () => {
    const { ctx, code, credential } = await issued();
    const base = ctx.config.baseUrl;
    const course = sampleCourse(ctx, EN_COURSE);
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.id).toBe(`${base}/certificates/${code}`);
    expect(credential.issuer).toEqual({ id: `${base}/issuer`, type: ['Profile'], name: ctx.config.issuerName, url: base });
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
    expect(credential.credentialStatus).toEqual({ id: `${base}/certificates/${code}/status`, type: '1EdTechRevocationList' });
    expect(credential.proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-jcs-2022',
      created: '2025-03-05T10:00:00Z',
      verificationMethod: expect.stringMatching(new RegExp(`^${base}/issuer#z6Mk`)),
      proofPurpose: 'assertionMethod',
      proofValue: expect.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]+$/),
    });
  });

  it('is served as JSON-LD, inline with a file name, readable from other origins', async () => {
    const { ctx, code } = await issued();
    const res = await request(ctx.app).get(`/certificates/${code}.json`);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="certificate-[A-Z0-9]{5}-[A-Z0-9]{5}\.json"$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('carries a proof that an independent eddsa-jcs-2022 check accepts with the published key', async () => {
    const { ctx, credential } = await issued();
    const { proof, ...document } = credential;
    const { proofValue, ...proofConfig } = proof;
    const hash = (v: unknown) =>
      crypto
        .createHash('sha256')
        .update(canonicalize(v) as string)
        .digest();
    const data = Buffer.concat([hash(proofConfig), hash(document)]);
    const jwks = (await request(ctx.app).get('/issuer/keys')).body;
    const kid = proof.verificationMethod.split('#')[1];
    const jwk = jwks.keys.find((k: Json) => k.kid === kid);
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    expect(crypto.verify(null, data, key, bs58.decode(proofValue.slice(1)))).toBe(true);
  });

  it('answers 404 for an unknown code', async () => {
    const ctx = createTestApp({ courses: false });
    expect((await request(ctx.app).get('/certificates/ZZZZZZZZZZ.json')).status).toBe(404);
  });
});

describe('verifyCredential', () => {
  it('accepts a credential as issued, as an object or as JSON text', async () => {
    const { ctx, code, credential } = await issued();
    const result = verifyCredential(ctx.db, credential, { baseUrl: ctx.config.baseUrl });
    expect(result).toMatchObject({ valid: true, revoked: false, certificate: { code, learnerName: 'Máret Ánte Sárá' } });
    expect(result.reason).toBeUndefined();
    expect(verifyCredential(ctx.db, JSON.stringify(credential)).valid).toBe(true);
    expect(JSON.stringify(result)).not.toContain('revokedReason');
  });

  it('fails when one character of the credential subject is changed', async () => {
    const { ctx, credential } = await issued();
    const tampered = structuredClone(credential);
    tampered.credentialSubject.identifier[0].identityHash = 'Máret Ánte Sárá'.replace('S', 's');
    expect(verifyCredential(ctx.db, tampered)).toEqual({ valid: false, revoked: false, reason: 'signature' });
    const text = JSON.stringify(credential).replace('"AchievementSubject"', '"AchievementSubjekt"');
    expect(verifyCredential(ctx.db, text)).toEqual({ valid: false, revoked: false, reason: 'signature' });
  });

  it('fails when the proof itself is altered', async () => {
    const { ctx, credential } = await issued();
    const later = structuredClone(credential);
    later.proof.created = '2030-01-01T00:00:00Z';
    expect(verifyCredential(ctx.db, later).reason).toBe('signature');
    const broken = structuredClone(credential);
    broken.proof.proofValue = `z${bs58.encode(crypto.randomBytes(64))}`;
    expect(verifyCredential(ctx.db, broken).reason).toBe('signature');
  });

  it('reports a revoked certificate as revoked, from the database', async () => {
    const { ctx, code, credential } = await issued();
    revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const result = verifyCredential(ctx.db, credential);
    expect(result).toMatchObject({ valid: false, revoked: true, reason: 'revoked', certificate: { revokedAt: Date.UTC(2025, 4, 1) } });
    expect(JSON.stringify(result)).not.toContain('secret reason');
  });

  it('reports a replaced certificate as replaced, with the new code', async () => {
    const { ctx, code, credential } = await issued();
    const re = reissueCertificate(ctx.db, code, { issuerName: 'X', now: Date.now() });
    expect(verifyCredential(ctx.db, credential)).toMatchObject({
      valid: false,
      revoked: false,
      reason: 'replaced',
      certificate: { replacedByCode: re.ok ? re.code : '' },
    });
  });

  it('refuses a credential signed by another key, or for another issuer URL', async () => {
    const { ctx, credential } = await issued();
    const foreign = structuredClone(credential);
    foreign.proof.verificationMethod = 'https://elsewhere.example/issuer#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    expect(verifyCredential(ctx.db, foreign).reason).toBe('issuer');
    expect(verifyCredential(ctx.db, credential, { baseUrl: 'https://other.example' }).reason).toBe('issuer');
  });

  it('reports text that is not a credential as malformed', async () => {
    const ctx = createTestApp({ courses: false });
    for (const input of ['not json', '[]', '{"id":"x"}', JSON.stringify({ id: 'x', proof: { type: 'Ed25519Signature2020' } })]) {
      expect(verifyCredential(ctx.db, input)).toEqual({ valid: false, revoked: false, reason: 'malformed' });
    }
  });

  it('reports a genuine signature over an unknown certificate as unknown', async () => {
    const { ctx, credential } = await issued();
    const other = createTestApp({ courses: false });
    // Same key in another database that never issued the certificate.
    const key = ctx.db.select().from(issuerKeys).all();
    other.db.insert(issuerKeys).values(key).run();
    expect(verifyCredential(other.db, credential)).toEqual({ valid: false, revoked: false, reason: 'unknown' });
  });
});

describe('GET /certificates/:code/status', () => {
  it('is a 1EdTech revocation list that lists the credential once revoked, without the reason', async () => {
    const { ctx, code } = await issued();
    const base = ctx.config.baseUrl;
    const before = (await request(ctx.app).get(`/certificates/${code}/status`)).body;
    expect(before).toEqual({ id: `${base}/certificates/${code}/status`, issuer: `${base}/issuer`, revokedCredentials: [], status: 'valid' });
    revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const after = await request(ctx.app).get(`/certificates/${code}/status`);
    expect(after.body.revokedCredentials).toEqual([{ id: `${base}/certificates/${code}`, revokedAt: '2025-05-01T00:00:00Z' }]);
    expect(after.body.status).toBe('revoked');
    expect(after.text).not.toContain('secret reason');
  });
});

describe('GET /issuer and /issuer/keys', () => {
  it('publish the issuer profile with its key as a Multikey, and the same key as a JWKS', async () => {
    const { ctx, credential } = await issued();
    const base = ctx.config.baseUrl;
    const profile = (await request(ctx.app).get('/issuer')).body;
    const kid = credential.proof.verificationMethod.split('#')[1];
    expect(profile).toMatchObject({ id: `${base}/issuer`, type: ['Profile'], name: ctx.config.issuerName, url: base });
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

  it('makes the key pair once, stores it in issuer_keys and reuses it', async () => {
    const ctx = createTestApp({ courses: false });
    expect(ctx.db.select().from(issuerKeys).all()).toHaveLength(0);
    const first = (await request(ctx.app).get('/issuer/keys')).body.keys[0].kid;
    const second = (await request(ctx.app).get('/issuer')).body.assertionMethod[0];
    const rows = ctx.db.select().from(issuerKeys).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(first);
    expect(rows[0]?.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(second).toBe(`${ctx.config.baseUrl}/issuer#${first}`);
    expect(signingKey(ctx.db).id).toBe(first);
  });
});

describe('POST /certificates/verify', () => {
  it('checks a pasted credential and shows the result', async () => {
    const { ctx, credential } = await issued();
    const res = await agent(ctx.app)
      .post('/certificates/verify')
      .type('form')
      .send({ credential: JSON.stringify(credential) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('The signature is genuine and the certificate is valid.');
    expect(res.text).toContain('Máret Ánte Sárá');
  });

  it('checks an uploaded credential file', async () => {
    const { ctx, code, credential } = await issued();
    revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const res = await agent(ctx.app)
      .post('/certificates/verify')
      .attach('file', Buffer.from(JSON.stringify(credential)), { filename: 'badge.json', contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('status-revoked');
    expect(res.text).toContain('was revoked on 1 May 2025');
    expect(res.text).not.toContain('secret reason');
  });

  it('says when a credential was changed', async () => {
    const { ctx, credential } = await issued();
    const text = JSON.stringify(credential).replace('Máret', 'Maret');
    const res = await agent(ctx.app).post('/certificates/verify').type('form').send({ credential: text });
    expect(res.text).toContain('The signature does not match the content');
    expect(res.text).not.toContain('status-valid');
  });

  it('asks for a credential when nothing was sent, and refuses more than 100 KB', async () => {
    const ctx = createTestApp({ courses: false });
    const empty = await agent(ctx.app).post('/certificates/verify').type('form').send({ credential: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Please fill this in.');
    const big = await agent(ctx.app)
      .post('/certificates/verify')
      .attach('file', Buffer.alloc(101 * 1024, 'a'), { filename: 'big.json', contentType: 'application/json' });
    expect(big.status).toBe(422);
    expect(big.text).toContain('This is too long.');
  });

  it('refuses a cross-site POST', async () => {
    const ctx = createTestApp({ courses: false });
    const res = await request(ctx.app).post('/certificates/verify').type('form').send({ credential: '{}' });
    expect(res.status).toBe(403);
  });
});
