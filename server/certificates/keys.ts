import crypto, { type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import type { Db } from '../db/client.ts';
import { findIssuerKey, insertFirstIssuerKey, type IssuerKeyRow, listIssuerKeys, newestIssuerKeyId } from './queries.ts';

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

function newKeyRow(now: number): IssuerKeyRow {
  const pair = crypto.generateKeyPairSync('ed25519');
  return {
    id: publicKeyMultibase(rawPublicKey(pair.publicKey)),
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt: now,
  };
}

// Parsed keys per database, by key id: PEM parsing on every credential would be wasted work.
// Which key signs is read from the database on every call (one small prepared query), so every
// instance signs with the same key, and a key added by a rotation signs at once everywhere.
const parsedKeys = new WeakMap<Db, Map<string, IssuerKey>>();

/** The key new proofs are signed with: the newest stored key, generated and stored when there is none. */
export async function signingKey(db: Db, now = Date.now()): Promise<IssuerKey> {
  let id = await newestIssuerKeyId(db);
  if (id === undefined) {
    // Several instances (or requests) may get here at once: one key is stored, and all read back that one.
    await insertFirstIssuerKey(db, () => newKeyRow(now));
    id = await newestIssuerKeyId(db);
    if (id === undefined) throw new Error('signingKey: no issuer key after storing one');
  }
  let parsed = parsedKeys.get(db);
  if (!parsed) {
    parsed = new Map();
    parsedKeys.set(db, parsed);
  }
  let key = parsed.get(id);
  if (!key) {
    const row = await findIssuerKey(db, id);
    if (!row) throw new Error(`signingKey: issuer key ${id} disappeared`);
    key = fromRow(row);
    parsed.set(id, key);
  }
  return key;
}

/** Every published key (old ones stay so that credentials they signed keep verifying). */
export async function publishedKeys(db: Db): Promise<{ id: string; rawPublicKey: Uint8Array }[]> {
  await signingKey(db); // make sure there is one to publish
  return (await listIssuerKeys(db)).map((row) => ({ id: row.id, rawPublicKey: rawPublicKey(crypto.createPublicKey(row.publicKeyPem)) }));
}

/** The public key for a key id, or undefined when this issuer never had it. */
export async function verificationKey(db: Db, id: string): Promise<KeyObject | undefined> {
  const row = await findIssuerKey(db, id);
  return row ? crypto.createPublicKey(row.publicKeyPem) : undefined;
}

/** The issuer's Open Badges Profile URL, and the controller of the keys in eddsa-jcs-2022 proofs signed before did:web. */
export function issuerId(baseUrl: string): string {
  return `${baseUrl}/issuer`;
}

/** GET /issuer/keys: the same keys as a JSON Web Key Set. */
export async function issuerJwks(db: Db) {
  return {
    keys: (await publishedKeys(db)).map((k) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(k.rawPublicKey).toString('base64url'),
      kid: k.id,
      use: 'sig',
      alg: 'EdDSA',
    })),
  };
}
