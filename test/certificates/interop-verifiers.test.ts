import { verifyCredential as digitalBazaarVerify } from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { verifyCredential as dccVerify } from '@digitalcredentials/verifier-core';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentLoader } from '../../server/certificates/document-loader.ts';
import { revokeCertificate } from '../../server/certificates/issue.ts';
import { verifyingSuite } from '../../server/certificates/signing.ts';
import { hasAchievementCredentialShape } from '../../server/certificates/credential-shape.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { certify, courseEvidence, EN_COURSE, RU_COURSE } from './fixtures.ts';
import { ACHIEVEMENT_CREDENTIAL_SCHEMA, readInteropFile, skipWithoutInterop } from './interop-schemas.ts';
import { routeVerifierNetwork, type VerifierNetwork } from './verifier-network.ts';

// The credentials checked by the verifiers people use, as they would check them: the Digital
// Credentials Consortium's verifier-core (behind its web verifier and wallet), Digital Bazaar's vc
// library in JSON-LD safe mode with a Bitstring Status List check, and 1EdTech's JSON Schema.
// Both verifiers reach the app over HTTP on 127.0.0.1 (see verifier-network.ts), nothing else.
// One app for the file: the DCC verifier caches the DID documents it resolves.

// biome-ignore lint/suspicious/noExplicitAny: credential JSON is read and changed freely
type Json = Record<string, any>;

let ctx: TestContext;
let network: VerifierNetwork;

beforeAll(async () => {
  ctx = await createTestApp();
  network = await routeVerifierNetwork(ctx.app, ctx.config.baseUrl);
});
afterAll(() => network.close());

async function issued(slug = EN_COURSE): Promise<{ code: string; credential: Json }> {
  const learner = await makeUser(ctx.db, { name: 'Máret Ánte Sárá' });
  const code = await certify(ctx, learner.id, slug, Date.UTC(2025, 2, 5, 10));
  // With the standing of each competency (results) and shared assessed work (evidence), so the
  // verifiers see every part a credential can have.
  await courseEvidence(ctx, learner.id, slug);
  const res = await request(ctx.app).get(`/certificates/${code}.json`);
  expect(res.status).toBe(200);
  expect(res.body.evidence).toHaveLength(1);
  return { code, credential: res.body };
}

function tamperedCopy(credential: Json): Json {
  const copy = structuredClone(credential);
  copy.credentialSubject.identifier[0].identityHash = 'Maret Ante Sara';
  return copy;
}

const revoke = (code: string) => revokeCertificate(ctx.db, code, { reason: 'issued by mistake', now: Date.now() });

describe.skipIf(skipWithoutInterop)('the Digital Credentials Consortium verifier (verifier-core)', () => {
  type DccCredential = Parameters<typeof dccVerify>[0]['credential'];
  // As its web verifier calls it, without issuer registries: those are on the network.
  const dcc = (credential: Json) => dccVerify({ credential: credential as DccCredential, knownDIDRegistries: [] });
  const step = (result: Awaited<ReturnType<typeof dccVerify>>, id: string) => result.log?.find((s) => s.id === id);

  it('accepts an issued credential: signature, status, expiry, and the 1EdTech schema it assumes', async () => {
    const { credential } = await issued();
    const result = await dcc(credential);
    expect(result.errors).toBeUndefined();
    expect(step(result, 'valid_signature')?.valid).toBe(true);
    expect(step(result, 'revocation_status')?.valid).toBe(true);
    expect(step(result, 'expiration')?.valid).toBe(true);
    // The platform is in no registry the DCC knows (and none is consulted here).
    expect(step(result, 'registered_issuer')?.valid).toBe(false);
    const schemaCheck = result.additionalInformation?.find((i) => i.id === 'schema_check')?.results ?? [];
    expect(schemaCheck.map((r) => r.result.valid)).toEqual([true]);
  });

  it('rejects a tampered copy: "The signature is not valid"', async () => {
    const { credential } = await issued();
    const result = await dcc(tamperedCopy(credential));
    expect(result.errors).toEqual([expect.objectContaining({ name: 'invalid_signature', message: 'The signature is not valid.' })]);
  });

  it('reports a revoked certificate as revoked, from the status list', async () => {
    const { code, credential } = await issued();
    await revoke(code);
    const result = await dcc(credential);
    expect(step(result, 'valid_signature')?.valid).toBe(true);
    expect(step(result, 'revocation_status')?.valid).toBe(false);
  });

  it('resolved the did:web document over https and the status list from the app, and nothing else', async () => {
    const { credential } = await issued();
    await dcc(credential);
    expect(network.requested).toContain('https://localhost:3000/.well-known/did.json');
    expect(network.requested).toContain(credential.credentialStatus.statusListCredential);
    expect(network.refused).toEqual([]);
  });
});

/** did:web resolution as the method spec says, written here independently of the server's. */
function didWebUrl(did: string): string {
  const [host, ...path] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  return path.length ? `https://${host}/${path.join('/')}/did.json` : `https://${host}/.well-known/did.json`;
}

/** Bundled contexts, and the app's documents over HTTP (did:web, status lists), as a verifier loads them. */
const overHttp = documentLoader(async (url) => {
  if (url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#') as [string, string | undefined];
    const didDocument = (await (await fetch(didWebUrl(did))).json()) as Json;
    if (!fragment) return didDocument;
    const method = didDocument.verificationMethod.find((m: Json) => m.id === url);
    return method && { '@context': 'https://w3id.org/security/multikey/v1', ...method };
  }
  const res = await fetch(url);
  return res.ok ? ((await res.json()) as object) : undefined;
});

describe("Digital Bazaar's verifyCredential in JSON-LD safe mode, with the Bitstring Status List check", () => {
  const verify = (credential: Json) =>
    digitalBazaarVerify({ credential, suite: verifyingSuite(), documentLoader: overHttp, checkStatus: (options: object) => checkStatus(options) });

  it('verifies an issued credential whose status bit is 0', async () => {
    const { credential } = await issued(RU_COURSE);
    const result = await verify(credential);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(result.statusResult?.results?.map((r) => r.status)).toEqual([false]);
  });

  it('refuses a tampered copy, and a copy with a term no context defines (safe mode)', async () => {
    const { credential } = await issued();
    expect((await verify(tamperedCopy(credential))).verified).toBe(false);
    const extended = { ...structuredClone(credential), favouriteColour: 'blue' };
    const result = await verify(extended);
    expect(result.verified).toBe(false);
    expect(JSON.stringify(result.error?.errors?.map((e) => e.message))).toContain('Safe mode validation error');
  });

  it('reads the revoked bit of a revoked certificate', async () => {
    const { code, credential } = await issued();
    await revoke(code);
    const result = await verify(credential);
    expect(result.statusResult?.results?.map((r) => r.status)).toEqual([true]);
  });
});

describe.skipIf(skipWithoutInterop)("1EdTech's AchievementCredential JSON Schema (Open Badges 3.0), with ajv", () => {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // Compiled only where the schema can be read (the describe is skipped elsewhere, but still collected).
  const validate = ajv.compile(skipWithoutInterop ? {} : JSON.parse(readInteropFile(ACHIEVEMENT_CREDENTIAL_SCHEMA)));

  it('accepts the credentials of an English and a Russian course', async () => {
    for (const slug of [EN_COURSE, RU_COURSE]) {
      const { credential } = await issued(slug);
      expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('and the verification page’s shape check agree on broken copies', async () => {
    const { credential } = await issued();
    const broken: Json[] = [
      { ...credential, '@context': [credential['@context'][1], credential['@context'][0]] },
      { ...credential, type: ['VerifiableCredential'] },
      { ...credential, validFrom: '5 March 2025' },
      { ...credential, issuer: { name: 'No id' } },
      { ...credential, proof: credential.proof[0] },
      {
        ...credential,
        credentialSubject: { ...credential.credentialSubject, achievement: { ...credential.credentialSubject.achievement, criteria: undefined } },
      },
      { ...credential, credentialSubject: { ...credential.credentialSubject, identifier: [{ type: 'IdentityObject', identityHash: 'x' }] } },
    ];
    expect(hasAchievementCredentialShape(credential)).toBe(true);
    for (const copy of broken) {
      const json = JSON.parse(JSON.stringify(copy));
      expect(validate(json), JSON.stringify(json).slice(0, 120)).toBe(false);
      expect(hasAchievementCredentialShape(json)).toBe(false);
    }
  });
});
