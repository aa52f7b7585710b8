import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue } from '@digitalbazaar/vc';
import type { Db } from '../db/client.ts';
import { issuerDid, verificationMethodId } from './did.ts';
import { documentLoader } from './document-loader.ts';
import { type IssuerKey, signingKey } from './keys.ts';

// Data Integrity proofs with eddsa-rdfc-2022 (RDF Dataset Canonicalization, then Ed25519), the
// cryptosuite 1EdTech's Open Badges 3.0 issuer certification asks for, made by Digital Bazaar's
// libraries in JSON-LD safe mode: a term no bundled context defines makes signing fail here
// rather than verification fail in someone's wallet.

export const CRYPTOSUITE = 'eddsa-rdfc-2022';

/** The suite that checks eddsa-rdfc-2022 proofs (no signer). */
export function verifyingSuite(): DataIntegrityProof {
  return new DataIntegrityProof({ cryptosuite });
}

/**
 * Signs a credential with the current issuer key. `created` is fixed by the caller (the issue time):
 * Ed25519 is deterministic, so the same facts give the same bytes on every download.
 * `proof` comes back as an array, a proof set of one, as Open Badges 3.0 examples show it.
 * `key` is the signing key when the caller already read it (what it named its result by).
 */
export async function signCredential(
  db: Db,
  baseUrl: string,
  credential: Record<string, unknown>,
  created: string,
  key?: IssuerKey,
): Promise<Record<string, unknown>> {
  key ??= await signingKey(db);
  const keyPair = await Ed25519Multikey.fromJwk({
    jwk: key.privateKey.export({ format: 'jwk' }),
    secretKey: true,
    id: verificationMethodId(baseUrl, key.id),
    controller: issuerDid(baseUrl),
  });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), date: created, cryptosuite });
  // issue() adds to the object it is given: hand it a copy.
  const signed = await issue({ credential: structuredClone(credential), suite, documentLoader: documentLoader() });
  return { ...signed, proof: [signed.proof].flat() };
}
