import crypto from 'node:crypto';
import bs58 from 'bs58';
import canonicalize from 'canonicalize';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { signedCredential } from '../../server/certificates/credential.ts';
import { reissueCertificate, revokeCertificate } from '../../server/certificates/issue.ts';
import { signingKey } from '../../server/certificates/keys.ts';
import { checkJcsProof } from '../../server/certificates/legacy-jcs-proof.ts';
import type { CertificateRow } from '../../server/certificates/queries.ts';
import { verifyCredential } from '../../server/certificates/verification.ts';
import { createApp } from '../../server/app.ts';
import { issuerKeys } from '../../server/db/schema.ts';
import { agent, createTestApp, type TestContext } from '../helpers.ts';
import { readInteropFile, skipWithoutInterop } from './interop-schemas.ts';
import { addIssuerKey, certificateRow } from './fixtures.ts';
import { issued, type Json } from './issued.ts';

const ALL_PASSED = { issuerKey: 'passed', signature: 'passed', status: 'passed', shape: 'passed' };
const verify = (ctx: TestContext, credential: unknown) => verifyCredential(ctx.db, credential, { baseUrl: ctx.config.baseUrl });

describe('verifyCredential (the platform’s own check)', () => {
  it('accepts a credential as issued, as an object or as JSON text, and says what it certifies', async () => {
    const { ctx, code, credential } = await issued();
    const result = await verify(ctx, credential);
    expect(result).toMatchObject({ valid: true, revoked: false, checks: ALL_PASSED, certificate: { code, learnerName: 'Máret Ánte Sárá' } });
    expect(result.reason).toBeUndefined();
    expect(result.claims).toMatchObject({
      holder: 'Máret Ánte Sárá',
      course: 'ICT in Primary Education',
      validFrom: '2025-03-05T10:00:00Z',
      issuerName: ctx.config.issuerName,
    });
    expect(result.claims?.competencies[0]).toEqual({ code: 'KA.1', name: 'Policy Understanding' });
    expect((await verify(ctx, JSON.stringify(credential))).valid).toBe(true);
    expect(JSON.stringify(result)).not.toContain('revokedReason');
  });

  it('fails when one character of the credential subject is changed, and says nothing it certifies', async () => {
    const { ctx, credential } = await issued();
    const tampered = structuredClone(credential);
    tampered.credentialSubject.identifier[0].identityHash = 'Máret Ánte Sárá'.replace('S', 's');
    const result = await verify(ctx, tampered);
    expect(result).toEqual({ valid: false, revoked: false, reason: 'signature', checks: { ...ALL_PASSED, signature: 'failed', status: 'notChecked' } });
    const text = JSON.stringify(credential).replace('"Policy Understanding"', '"Policy Misunderstanding"');
    expect((await verify(ctx, text)).reason).toBe('signature');
  });

  it('fails when the proof itself is altered', async () => {
    const { ctx, credential } = await issued();
    const later = structuredClone(credential);
    later.proof[0].created = '2030-01-01T00:00:00Z';
    expect((await verify(ctx, later)).reason).toBe('signature');
    const broken = structuredClone(credential);
    broken.proof[0].proofValue = `z${bs58.encode(crypto.randomBytes(64))}`;
    expect((await verify(ctx, broken)).reason).toBe('signature');
  });

  it('reports a revoked certificate as revoked: its bit in the status list is set', async () => {
    const { ctx, code, credential } = await issued();
    await revokeCertificate(ctx.db, code, { reason: 'secret reason', now: Date.UTC(2025, 4, 1) });
    const result = await verify(ctx, credential);
    expect(result).toMatchObject({
      valid: false,
      revoked: true,
      reason: 'revoked',
      checks: { ...ALL_PASSED, status: 'failed' },
      certificate: { revokedAt: Date.UTC(2025, 4, 1) },
    });
    expect(JSON.stringify(result)).not.toContain('secret reason');
  });

  it('reports a replaced certificate as replaced, with the new code', async () => {
    const { ctx, code, credential } = await issued();
    const re = await reissueCertificate(ctx.db, code, { issuerName: 'X', now: Date.now() });
    expect(await verify(ctx, credential)).toMatchObject({
      valid: false,
      revoked: false,
      reason: 'replaced',
      checks: ALL_PASSED,
      certificate: { replacedByCode: re.ok ? re.code : '' },
    });
  });

  it('refuses a credential signed by a key this issuer never had, or checked by another deployment', async () => {
    const { ctx, credential } = await issued();
    const foreign = structuredClone(credential);
    foreign.proof[0].verificationMethod = 'did:web:localhost%3A3000#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    expect(await verify(ctx, foreign)).toMatchObject({ reason: 'issuer', checks: { issuerKey: 'failed', signature: 'notChecked' } });
    const elsewhere = await verifyCredential(ctx.db, credential, { baseUrl: 'https://other.example' });
    expect(elsewhere.reason).toBe('issuer');
  });

  it('reports text that is not a credential as malformed', async () => {
    const ctx = await createTestApp({ courses: false });
    for (const input of ['not json', '[]', '{"id":"x"}', JSON.stringify({ id: 'x', proof: { type: 'Ed25519Signature2020' } })]) {
      expect((await verify(ctx, input)).reason).toBe('malformed');
    }
  });

  it('reports a credential that names this issuer’s key but lacks what a credential must have as malformed', async () => {
    const { ctx, credential } = await issued();
    const { credentialSubject: _subject, ...withoutSubject } = credential;
    expect(await verify(ctx, withoutSubject)).toMatchObject({ reason: 'malformed', checks: { issuerKey: 'passed', signature: 'notChecked', shape: 'failed' } });
  });

  it('reports a genuine signature over an unknown certificate as unknown', async () => {
    const { ctx, credential } = await issued();
    const other = await createTestApp({ courses: false });
    // Same key in another database that never issued the certificate.
    await other.db.insert(issuerKeys).values(await ctx.db.select().from(issuerKeys));
    expect(await verify(other, credential)).toMatchObject({ valid: false, revoked: false, reason: 'unknown', checks: { signature: 'passed' } });
  });

  it('keeps verifying credentials signed by an older key once a newer key signs, on every instance (rotation)', async () => {
    const { ctx, code, credential } = await issued();
    const older = (await signingKey(ctx.db)).id;
    expect(credential.proof[0].verificationMethod).toBe(`did:web:localhost%3A3000#${older}`);
    const newer = await addIssuerKey(ctx, Date.now() + 1000);
    expect((await signingKey(ctx.db)).id).toBe(newer);
    // Which key signs is read from the database, never kept by a process: this app, which has kept the
    // credential signed by the older key, and another app over the same database (a second or restarted
    // server) both sign with the newer key at once, and both accept what the older key signed.
    const another = createApp({ db: ctx.db, config: ctx.config, logger: pino({ level: 'silent' }) });
    for (const app of [ctx.app, another]) {
      const fresh = (await request(app).get(`/certificates/${code}.json`)).body as Json;
      expect(fresh.proof[0].verificationMethod).toBe(`did:web:localhost%3A3000#${newer}`);
      expect(await verify(ctx, fresh)).toMatchObject({ valid: true, checks: ALL_PASSED });
      const page = await agent(app)
        .post('/certificates/verify')
        .type('form')
        .send({ credential: JSON.stringify(credential) });
      expect(page.text).toContain('The signature is genuine and the certificate is valid.');
    }
    const result = await verifyCredential(ctx.db, credential, { baseUrl: ctx.config.baseUrl });
    expect(result).toMatchObject({ valid: true, checks: ALL_PASSED });
    const fresh = await signedCredential(ctx.db, (await certificateRow(ctx, code)) as CertificateRow, ctx.config);
    expect((fresh.proof as Json[])[0]?.verificationMethod).toBe(`did:web:localhost%3A3000#${newer}`);
  });
});

/** What /certificates/:code.json answered before did:web and eddsa-rdfc-2022, signed as it was then. */
async function legacyCredential(ctx: TestContext, current: Json): Promise<Json> {
  const base = ctx.config.baseUrl;
  const { proof: _proof, ...rest } = current;
  const document: Json = {
    ...rest,
    issuer: { ...rest.issuer, id: `${base}/issuer` },
    credentialStatus: { id: `${rest.id}/status`, type: '1EdTechRevocationList' },
  };
  const key = await signingKey(ctx.db);
  const proofConfig = {
    '@context': document['@context'],
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-jcs-2022',
    created: document.validFrom,
    verificationMethod: `${base}/issuer#${key.id}`,
    proofPurpose: 'assertionMethod',
  };
  const hash = (value: unknown) =>
    crypto
      .createHash('sha256')
      .update(canonicalize(value) as string)
      .digest();
  const signature = crypto.sign(null, Buffer.concat([hash(proofConfig), hash(document)]), key.privateKey);
  return { ...document, proof: { ...proofConfig, proofValue: `z${bs58.encode(signature)}` } };
}

describe('credentials signed with eddsa-jcs-2022 before the move to eddsa-rdfc-2022', () => {
  it('still verify on the platform, and report revocation from the certificate’s record', async () => {
    const { ctx, code, credential } = await issued();
    const old = await legacyCredential(ctx, credential);
    // Their proof was a single object where 1EdTech's schema wants an array: the shape check says so.
    expect(await verify(ctx, old)).toMatchObject({ valid: true, checks: { ...ALL_PASSED, shape: 'failed' }, claims: { holder: 'Máret Ánte Sárá' } });
    await revokeCertificate(ctx.db, code, { reason: 'r', now: Date.UTC(2025, 4, 1) });
    expect(await verify(ctx, old)).toMatchObject({ valid: false, revoked: true, reason: 'revoked', checks: { status: 'failed' } });
  });

  it('fail once changed, or when checked by another deployment', async () => {
    const { ctx, credential } = await issued();
    const old = await legacyCredential(ctx, credential);
    const changed = JSON.stringify(old).replace('Máret', 'Maret');
    expect(await verify(ctx, changed)).toMatchObject({ reason: 'signature', checks: { issuerKey: 'passed', signature: 'failed' } });
    expect((await verifyCredential(ctx.db, old, { baseUrl: 'https://other.example' })).reason).toBe('issuer');
  });

  it.skipIf(skipWithoutInterop)('are checked by code that accepts the W3C eddsa-jcs-2022 test vector and refuses it changed', () => {
    const vector = JSON.parse(readInteropFile('vectors/w3c-vc-di-eddsa-jcs-2022-signed.json')) as Json;
    const multikey = vector.proof.verificationMethod.split('#')[1] as string;
    const x = Buffer.from(bs58.decode(multikey.slice(1)).subarray(2)).toString('base64url');
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    const resolve = (method: string) => (method === vector.proof.verificationMethod ? key : undefined);
    expect(checkJcsProof(vector, resolve)).toMatchObject({ ok: true });
    expect(checkJcsProof({ ...vector, name: 'Changed' }, resolve)).toEqual({ ok: false, reason: 'signature' });
  });
});
