import type { Db } from '../db/client.ts';
import { DID_V1, MULTIKEY_V1, OB_V3, VC_V2 } from './contexts.ts';
import { issuerDid } from './did.ts';
import { issuerId, publishedKeys } from './keys.ts';

// GET /issuer: the Open Badges 3.0 issuer Profile. Credentials name the issuer by its did:web DID,
// which the Profile gives as another identifier; the Profile keeps its own URL as id and lists the
// keys under it too, because proofs signed before did:web point at /issuer#<key>. The DID context
// defines verificationMethod and assertionMethod and the Multikey context the keys, so the whole
// document expands in JSON-LD safe mode.

export async function issuerProfile(db: Db, config: { baseUrl: string; issuerName: string }) {
  const id = issuerId(config.baseUrl);
  const keys = await publishedKeys(db);
  return {
    '@context': [VC_V2, OB_V3, DID_V1, MULTIKEY_V1],
    id,
    type: ['Profile'],
    name: config.issuerName,
    url: config.baseUrl,
    otherIdentifier: [{ type: 'IdentifierEntry', identifier: issuerDid(config.baseUrl), identifierType: 'identifier' }],
    verificationMethod: keys.map((k) => ({ id: `${id}#${k.id}`, type: 'Multikey', controller: id, publicKeyMultibase: k.id })),
    assertionMethod: keys.map((k) => `${id}#${k.id}`),
  };
}
