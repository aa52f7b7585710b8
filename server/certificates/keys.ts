import crypto, { type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import type { Db } from '../db/client.ts';
import { findIssuerKey, insertIssuerKey, listIssuerKeys, type IssuerKeyRow } from './queries.ts';

// The issuer signs credentials with an Ed25519 key pair made on first use and kept in
// issuer_keys. The key id is the public key as a Multikey (multibase base58btc of the
// multicodec prefix 0xed01 followed by the 32 raw bytes), so it names itself.

const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01);

export interface IssuerKey {
  id: string; // publicKeyMultibase, also the JWKS kid and the fragment of the verification method
  publicKey: KeyObject;
  privateKey: KeyObject;
  rawPublicKey: Uint8Array;
  createdAt: number;
}

export function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

export function publicKeyMultibase(raw: Uint8Array): string {
  const bytes = new Uint8Array(ED25519_MULTICODEC.length + raw.length);
  bytes.set(ED25519_MULTICODEC);
  bytes.set(raw, ED25519_MULTICODEC.length);
  return 'z' + bs58.encode(bytes);
}

function fromRow(row: IssuerKeyRow): IssuerKey {
  const publicKey = crypto.createPublicKey(row.publicKeyPem);
  return { id: row.id, publicKey, privateKey: crypto.createPrivateKey(row.privateKeyPem), rawPublicKey: rawPublicKey(publicKey), createdAt: row.createdAt };
}

// Parsed keys per database: PEM parsing on every credential would be wasted work.
const signingKeys = new WeakMap<Db, IssuerKey>();

/** The key new proofs are signed with: the newest stored key, generated and stored when there is none. */
export function signingKey(db: Db, now = Date.now()): IssuerKey {
  const cached = signingKeys.get(db);
  if (cached) return cached;
  let rows = listIssuerKeys(db);
  if (rows.length === 0) {
    const pair = crypto.generateKeyPairSync('ed25519');
    insertIssuerKey(db, {
      id: publicKeyMultibase(rawPublicKey(pair.publicKey)),
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      createdAt: now,
    });
    // Read back rather than use the pair: if another process stored a key at the same moment, both agree.
    rows = listIssuerKeys(db);
  }
  const key = fromRow(rows[rows.length - 1] as IssuerKeyRow);
  signingKeys.set(db, key);
  return key;
}

/** Every published key (old ones stay so that credentials they signed keep verifying). */
export function publishedKeys(db: Db): { id: string; rawPublicKey: Uint8Array }[] {
  signingKey(db); // make sure there is one to publish
  return listIssuerKeys(db).map((row) => ({ id: row.id, rawPublicKey: rawPublicKey(crypto.createPublicKey(row.publicKeyPem)) }));
}

/** The public key for a key id, or undefined when this issuer never had it. */
export function verificationKey(db: Db, id: string): KeyObject | undefined {
  const row = findIssuerKey(db, id);
  return row ? crypto.createPublicKey(row.publicKeyPem) : undefined;
}

/** The issuer's Open Badges Profile URL, and the controller of the keys in eddsa-jcs-2022 proofs signed before did:web. */
export function issuerId(baseUrl: string): string {
  return `${baseUrl}/issuer`;
}

/** GET /issuer/keys: the same keys as a JSON Web Key Set. */
export function issuerJwks(db: Db) {
  return {
    keys: publishedKeys(db).map((k) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(k.rawPublicKey).toString('base64url'),
      kid: k.id,
      use: 'sig',
      alg: 'EdDSA',
    })),
  };
}
