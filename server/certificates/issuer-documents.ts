import type { DocumentLoader } from '@digitalbazaar/vc';
import type { Db } from '../db/client.ts';
import { didDocument, issuerDid } from './did.ts';
import { documentLoader } from './document-loader.ts';
import { MULTIKEY_V1 } from './contexts.ts';
import { listOfUrl, statusListCredential } from './status-list.ts';

// The platform checks credentials against its own published documents read straight from the
// database (the same ones GET /.well-known/did.json and /credentials/status/:list answer), so
// its own check needs no HTTP request, not even to itself.

export function issuerDocumentLoader(db: Db, baseUrl: string): DocumentLoader {
  const did = issuerDid(baseUrl);
  return documentLoader(async (url) => {
    if (url === did) return didDocument(db, baseUrl);
    if (url.startsWith(`${did}#`)) {
      // A verification method on its own, with the context that defines its terms.
      const method = (await didDocument(db, baseUrl)).verificationMethod.find((m) => m.id === url);
      return method ? { '@context': MULTIKEY_V1, ...method } : undefined;
    }
    const list = listOfUrl(baseUrl, url);
    return list === undefined ? undefined : statusListCredential(db, baseUrl, list);
  });
}
