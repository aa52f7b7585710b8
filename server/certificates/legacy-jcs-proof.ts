import crypto, { type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import canonicalize from 'canonicalize';

// Checks the eddsa-jcs-2022 proofs (VC Data Integrity EdDSA Cryptosuites v1.0, section 3.3) the
// platform signed credentials with before it moved to eddsa-rdfc-2022: files people downloaded
// then still verify on the platform's own page. Nothing is signed this way any more. The data
// signed is SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof)).

export const LEGACY_CRYPTOSUITE = 'eddsa-jcs-2022';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jcs(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('cannot canonicalize');
  return Buffer.from(text, 'utf8');
}

function sha256(data: Buffer): Buffer {
  return crypto.createHash('sha256').update(data).digest();
}

function hashData(unsecuredDocument: JsonObject, proofConfig: JsonObject): Buffer {
  return Buffer.concat([sha256(jcs(proofConfig)), sha256(jcs(unsecuredDocument))]);
}

export type ProofCheck = { ok: true; verificationMethod: string } | { ok: false; reason: 'malformed' | 'issuer' | 'signature' };

function startsWith(whole: unknown, prefix: unknown): boolean {
  const a = Array.isArray(whole) ? whole : [whole];
  const b = Array.isArray(prefix) ? prefix : [prefix];
  return b.length <= a.length && b.every((value, i) => JSON.stringify(value) === JSON.stringify(a[i]));
}

/**
 * Checks an eddsa-jcs-2022 proof. `resolveKey` maps the proof's verificationMethod to a trusted
 * public key (undefined: not a key we trust, reported as 'issuer').
 */
export function checkJcsProof(secured: JsonObject, resolveKey: (verificationMethod: string) => KeyObject | undefined): ProofCheck {
  const { proof: rawProof, ...unsecured } = secured;
  const proof = Array.isArray(rawProof) && rawProof.length === 1 ? rawProof[0] : rawProof;
  if (!isObject(proof)) return { ok: false, reason: 'malformed' };
  const { proofValue, ...proofOptions } = proof;
  if (
    proofOptions.type !== 'DataIntegrityProof' ||
    proofOptions.cryptosuite !== LEGACY_CRYPTOSUITE ||
    proofOptions.proofPurpose !== 'assertionMethod' ||
    typeof proofOptions.verificationMethod !== 'string' ||
    typeof proofOptions.created !== 'string' ||
    Number.isNaN(Date.parse(proofOptions.created)) ||
    typeof proofValue !== 'string' ||
    !proofValue.startsWith('z')
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (proofOptions['@context'] !== undefined) {
    // The document's contexts must begin with the ones the proof was made over.
    if (!startsWith(secured['@context'], proofOptions['@context'])) return { ok: false, reason: 'signature' };
    unsecured['@context'] = proofOptions['@context'];
  }
  const key = resolveKey(proofOptions.verificationMethod);
  if (!key) return { ok: false, reason: 'issuer' };
  let signature: Uint8Array;
  try {
    signature = bs58.decode(proofValue.slice(1));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (signature.length !== 64) return { ok: false, reason: 'signature' };
  try {
    const ok = crypto.verify(null, hashData(unsecured, proofOptions), key, signature);
    return ok ? { ok: true, verificationMethod: proofOptions.verificationMethod } : { ok: false, reason: 'signature' };
  } catch {
    return { ok: false, reason: 'signature' };
  }
}
