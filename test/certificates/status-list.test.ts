import { verifyCredential as digitalBazaarVerify } from '@digitalbazaar/vc';
import { BitstringStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { revokeCertificate } from '../../server/certificates/issue.ts';
import { issuerDocumentLoader } from '../../server/certificates/issuer-documents.ts';
import { verifyingSuite } from '../../server/certificates/signing.ts';
import { LIST_LENGTH, statusPosition } from '../../server/certificates/status-list.ts';
import { createTestApp, makeUser, type TestContext } from '../helpers.ts';
import { certificateRow, certify } from './fixtures.ts';

async function twoCertificates() {
  const ctx = await createTestApp();
  const codes = [];
  for (const name of ['Анна Иванова', 'Ōta Hiro']) codes.push(await certify(ctx, (await makeUser(ctx.db, { name })).id));
  return { ctx, codes };
}

async function statusList(ctx: TestContext, list = 1) {
  const res = await request(ctx.app).get(`/credentials/status/${list}`);
  expect(res.status).toBe(200);
  return res;
}

const bitOf = async (encodedList: string, ctx: TestContext, code: string) =>
  (await BitstringStatusList.decode({ encodedList })).getStatus(statusPosition((await certificateRow(ctx, code))?.id as number).index);

describe('GET /credentials/status/:list', () => {
  it('is a BitstringStatusListCredential of 131,072 bits by the did:web issuer, its proof verifiable', async () => {
    const { ctx } = await twoCertificates();
    const res = await statusList(ctx);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const base = ctx.config.baseUrl;
    expect(res.body).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `${base}/credentials/status/1`,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:localhost%3A3000',
      credentialSubject: { id: `${base}/credentials/status/1#list`, type: 'BitstringStatusList', statusPurpose: 'revocation' },
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' }],
    });
    expect((await BitstringStatusList.decode(res.body.credentialSubject)).length).toBe(LIST_LENGTH);
    const verified = await digitalBazaarVerify({ credential: res.body, suite: verifyingSuite(), documentLoader: issuerDocumentLoader(ctx.db, base) });
    expect(verified.verified).toBe(true);
  });

  it('sets the bit of a revoked certificate, and only its bit', async () => {
    const { ctx, codes } = await twoCertificates();
    const [revoked, kept] = codes as [string, string];
    const before = (await statusList(ctx)).body.credentialSubject.encodedList;
    expect(await bitOf(before, ctx, revoked)).toBe(false);
    await revokeCertificate(ctx.db, revoked, { reason: 'r', now: Date.UTC(2026, 0, 2, 3, 4, 5) });
    const after = (await statusList(ctx)).body;
    expect(await bitOf(after.credentialSubject.encodedList, ctx, revoked)).toBe(true);
    expect(await bitOf(after.credentialSubject.encodedList, ctx, kept)).toBe(false);
  });

  it('reads the same until something in it changes, and is dated by its last change', async () => {
    const { ctx, codes } = await twoCertificates();
    const first = (await statusList(ctx)).text;
    expect((await statusList(ctx)).text).toBe(first);
    const later = Date.now() + 60_000;
    await revokeCertificate(ctx.db, codes[0] as string, { reason: 'r', now: later });
    const changed = (await statusList(ctx)).body;
    expect(JSON.stringify(changed, null, 2)).not.toBe(first);
    expect(changed.validFrom).toBe(new Date(later).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('answers 404 for a list no certificate falls in, and for anything but a list number', async () => {
    const { ctx } = await twoCertificates();
    for (const list of ['2', '0', '01', 'abc', '1.5', '9999999']) {
      expect((await request(ctx.app).get(`/credentials/status/${list}`)).status, list).toBe(404);
    }
  });

  it('puts each certificate at the bit of its row id, 131,072 to a list', () => {
    expect(statusPosition(1)).toEqual({ list: 1, index: 1 });
    expect(statusPosition(LIST_LENGTH - 1)).toEqual({ list: 1, index: LIST_LENGTH - 1 });
    expect(statusPosition(LIST_LENGTH)).toEqual({ list: 2, index: 0 });
  });
});
