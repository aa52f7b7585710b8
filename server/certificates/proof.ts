import crypto, { type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import canonicalize from 'canonicalize';

// W3C Data Integrity proofs with the eddsa-jcs-2022 cryptosuite (VC Data Integrity EdDSA
// Cryptosuites v1.0, section 3.3): the data signed is
//   SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof))
// with Ed25519, and proofValue is the signature in multibase base58btc ('z' + base58).

export const CRYPTOSUITE = 'eddsa-jcs-2022' as const;

export type JsonObject = Record<string, unknown>;

export interface DataIntegrityProof {
  '@context'?: unknown;
  type: 'DataIntegrityProof';
  cryptosuite: typeof CRYPTOSUITE;
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
}

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

/** Signs a document (which must not carry a proof yet) and returns it with its proof. */
export function addProof<T extends JsonObject>(
  document: T,
  options: { verificationMethod: string; created: string; privateKey: KeyObject },
): T & { proof: DataIntegrityProof } {
  const proofConfig = {
    // The spec copies the document's @context into the proof, and it is signed with it.
    ...(document['@context'] !== undefined ? { '@context': document['@context'] } : {}),
    type: 'DataIntegrityProof' as const,
    cryptosuite: CRYPTOSUITE,
    created: options.created,
    verificationMethod: options.verificationMethod,
    proofPurpose: 'assertionMethod' as const,
  };
  const signature = crypto.sign(null, hashData(document, proofConfig), options.privateKey);
  return { ...document, proof: { ...proofConfig, proofValue: 'z' + bs58.encode(signature) } };
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
export function checkProof(secured: JsonObject, resolveKey: (verificationMethod: string) => KeyObject | undefined): ProofCheck {
  const { proof: rawProof, ...unsecured } = secured;
  const proof = Array.isArray(rawProof) && rawProof.length === 1 ? rawProof[0] : rawProof;
  if (!isObject(proof)) return { ok: false, reason: 'malformed' };
  const { proofValue, ...proofOptions } = proof;
  if (
    proofOptions.type !== 'DataIntegrityProof' ||
    proofOptions.cryptosuite !== CRYPTOSUITE ||
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
