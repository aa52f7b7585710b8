import type { DocumentLoader } from '@digitalbazaar/vc';
import { bundledContext } from './contexts.ts';

// The JSON-LD document loader for signing and checking: bundled contexts, plus the issuer's own
// documents when a caller passes a resolver for them. Anything else is refused, never fetched:
// a context from the network could change what a signature means, and a verifier that fetches
// what a pasted credential names could be pointed anywhere.

/** Answers the issuer's own URLs (its DID, keys, status lists) from the database; undefined for others. */
export type OwnDocuments = (url: string) => Promise<object | undefined>;

export class RefusedDocumentError extends Error {
  constructor(url: string) {
    super(`${url} is neither a bundled JSON-LD context nor a document of this issuer; it is not fetched`);
    this.name = 'RefusedDocumentError';
  }
}

export function documentLoader(ownDocuments?: OwnDocuments): DocumentLoader {
  return async (url) => {
    const document = bundledContext(url) ?? (ownDocuments ? await ownDocuments(url) : undefined);
    if (!document) throw new RefusedDocumentError(url);
    return { contextUrl: null, documentUrl: url, document };
  };
}
