import { Router } from 'express';
import type { Deps } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import { didDocument, didDocumentPath } from './did.ts';
import { issuerProfile } from './issuer-profile.ts';
import { issuerJwks } from './keys.ts';
import { publicJson } from './public-json.ts';
import { listNumber, statusListCredential } from './status-list.ts';

// The issuer's public documents, which wallets and verifiers fetch from anywhere: the did:web DID
// document, the Open Badges Profile, the keys as a JWKS, and the Bitstring Status Lists. They
// are the same for everyone and not rate-limited: a verifier checking many credentials from one
// address must not be locked out.

export function issuerRoutes({ db, config }: Deps): Router {
  const router = Router();

  router.get(didDocumentPath(config.baseUrl), async (_req, res) => publicJson(res, await didDocument(db, config.baseUrl), 'application/did+ld+json'));
  router.get('/issuer', async (_req, res) => publicJson(res, await issuerProfile(db, config), 'application/ld+json'));
  router.get('/issuer/keys', async (_req, res) => publicJson(res, await issuerJwks(db), 'application/jwk-set+json'));

  router.get('/credentials/status/:list', async (req, res) => {
    const list = listNumber(req.params.list);
    const credential = list === undefined ? undefined : await statusListCredential(db, config.baseUrl, list);
    if (!credential) throw new HttpError(404);
    publicJson(res, credential, 'application/ld+json');
  });

  return router;
}
