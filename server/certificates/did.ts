import type { Db } from '../db/client.ts';
import { DID_V1, MULTIKEY_V1 } from './contexts.ts';
import { issuerId, publishedKeys } from './keys.ts';

// The issuer as a did:web DID (W3C CCG did:web method): wallets and verifiers such as the
// Digital Credentials Consortium's resolve it over HTTPS to the DID document served here, which
// lists every key the issuer ever had (old ones keep the credentials they signed verifiable).

/** did:web for BASE_URL: the host with its port percent-encoded, then each path segment after a colon. */
export function issuerDid(baseUrl: string): string {
  const url = new URL(baseUrl);
  const segments = url.pathname.split('/').filter(Boolean).map(encodeURIComponent);
  return ['did:web', encodeURIComponent(url.host), ...segments].join(':');
}

/**
 * Where this app answers the DID document: did:web maps a bare host to /.well-known/did.json and
 * a host with a path to <path>/did.json, which reaches the app as /did.json behind the proxy that
 * strips the path (every route of the app is mounted at the root).
 */
export function didDocumentPath(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '') === '' ? '/.well-known/did.json' : '/did.json';
}

export function verificationMethodId(baseUrl: string, keyId: string): string {
  return `${issuerDid(baseUrl)}#${keyId}`;
}

/** The key id (publicKeyMultibase) of a verification method of this issuer's DID, else undefined. */
export function keyIdOfMethod(baseUrl: string, verificationMethod: unknown): string | undefined {
  const prefix = `${issuerDid(baseUrl)}#`;
  return typeof verificationMethod === 'string' && verificationMethod.startsWith(prefix) ? verificationMethod.slice(prefix.length) : undefined;
}

export function multikeyMethod(baseUrl: string, keyId: string) {
  const did = issuerDid(baseUrl);
  return { id: verificationMethodId(baseUrl, keyId), type: 'Multikey', controller: did, publicKeyMultibase: keyId };
}

/** GET /.well-known/did.json: the DID document, DID context first (verifiers then read it without framing). */
export async function didDocument(db: Db, baseUrl: string) {
  const keys = await publishedKeys(db);
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: issuerDid(baseUrl),
    alsoKnownAs: [issuerId(baseUrl)],
    verificationMethod: keys.map((k) => multikeyMethod(baseUrl, k.id)),
    assertionMethod: keys.map((k) => verificationMethodId(baseUrl, k.id)),
  };
}
