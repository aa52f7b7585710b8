import { verifyCredential as verifyDataIntegrity } from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import type { Db } from '../db/client.ts';
import { normaliseCode } from './code.ts';
import { hasAchievementCredentialShape } from './credential-shape.ts';
import { keyIdOfMethod } from './did.ts';
import { issuerDocumentLoader } from './issuer-documents.ts';
import { issuerId, verificationKey } from './keys.ts';
import { checkJcsProof, isObject, type JsonObject, LEGACY_CRYPTOSUITE } from './legacy-jcs-proof.ts';
import { certificateStatus } from './present.ts';
import { type CertificateRow, findCertificate, findIssuerKey } from './queries.ts';
import { CRYPTOSUITE, verifyingSuite } from './signing.ts';
import { certifiedClaims, type CertifiedClaims } from './claims.ts';

// The platform's own check of a credential someone pastes or uploads, step by step as the
// verification page reports it: the issuer key, the signature (eddsa-rdfc-2022 through Digital
// Bazaar's libraries in JSON-LD safe mode; eddsa-jcs-2022 for credentials signed before), the
// Bitstring Status List bit, the Open Badges shape, then the certificate's record. Every document
// it needs comes from the bundled contexts or this database: nothing is fetched.

export type VerificationReason = 'malformed' | 'signature' | 'issuer' | 'unknown' | 'revoked' | 'replaced';
export type CheckOutcome = 'passed' | 'failed' | 'notChecked';
export const CHECKS = ['issuerKey', 'signature', 'status', 'shape'] as const;
export type Checks = Record<(typeof CHECKS)[number], CheckOutcome>;

/** What a verifier may see: no private revocation reason, no user id. */
export interface VerifiedCertificate {
  code: string;
  learnerName: string;
  courseTitle: string;
  courseLanguage: string;
  issuedAt: number;
  issuerName: string;
  revokedAt: number | null;
  replacedByCode: string | null;
}

export interface VerificationResult {
  valid: boolean;
  revoked: boolean;
  reason?: VerificationReason;
  checks: Checks;
  /** What the credential certifies, once its signature is known to be genuine. */
  claims?: CertifiedClaims;
  certificate?: VerifiedCertificate;
}

function publicPart(cert: CertificateRow): VerifiedCertificate {
  const { code, learnerName, courseTitle, courseLanguage, issuedAt, issuerName, revokedAt, replacedByCode } = cert;
  return { code, learnerName, courseTitle, courseLanguage, issuedAt, issuerName, revokedAt, replacedByCode };
}

const NOT_CHECKED: Checks = { issuerKey: 'notChecked', signature: 'notChecked', status: 'notChecked', shape: 'notChecked' };
const outcome = (ok: boolean): CheckOutcome => (ok ? 'passed' : 'failed');

function parse(credential: unknown): (JsonObject & { id: string }) | undefined {
  let doc: unknown = credential;
  if (typeof credential === 'string') {
    try {
      doc = JSON.parse(credential);
    } catch {
      return undefined;
    }
  }
  return isObject(doc) && typeof doc.id === 'string' ? (doc as JsonObject & { id: string }) : undefined;
}

function cryptosuiteOf(doc: JsonObject): unknown {
  const proofs = Array.isArray(doc.proof) ? doc.proof : [doc.proof];
  return proofs.length === 1 && isObject(proofs[0]) ? proofs[0].cryptosuite : undefined;
}

function methodOf(doc: JsonObject): unknown {
  const proof = Array.isArray(doc.proof) ? doc.proof[0] : doc.proof;
  return isObject(proof) ? proof.verificationMethod : undefined;
}

type ProofOutcome = { reason?: 'malformed' | 'issuer' | 'signature'; revokedInList?: boolean; checks: Checks };

/** eddsa-rdfc-2022 with a key of this issuer's DID, then the certificate's bit in its status list. */
async function checkRdfcProof(db: Db, doc: JsonObject, baseUrl: string): Promise<ProofOutcome> {
  const keyId = keyIdOfMethod(baseUrl, methodOf(doc));
  if (!keyId || !(await findIssuerKey(db, keyId))) return { reason: 'issuer', checks: { ...NOT_CHECKED, issuerKey: 'failed' } };
  const documentLoader = issuerDocumentLoader(db, baseUrl);
  const suite = verifyingSuite();
  // The status is checked below on its own, to report it as its own step.
  const signature = await verifyDataIntegrity({ credential: doc, suite, documentLoader, checkStatus: async () => ({ verified: true }) });
  if (!signature.verified) {
    // A VerificationError comes from the proof; any other error from vc's checks of the credential's structure.
    if (signature.error?.name !== 'VerificationError') return { reason: 'malformed', checks: { ...NOT_CHECKED, issuerKey: 'passed' } };
    return { reason: 'signature', checks: { ...NOT_CHECKED, issuerKey: 'passed', signature: 'failed' } };
  }
  const status = await checkStatus({ credential: doc, documentLoader, suite, verifyMatchingIssuers: true });
  const bit = status.verified ? status.results?.[0]?.status : undefined;
  return {
    revokedInList: bit === true,
    checks: { ...NOT_CHECKED, issuerKey: 'passed', signature: 'passed', status: bit === undefined ? 'failed' : outcome(!bit) },
  };
}

/** eddsa-jcs-2022, as signed before: a key of /issuer; the status then comes from the record alone. */
async function checkLegacyProof(db: Db, doc: JsonObject, baseUrl: string): Promise<ProofOutcome> {
  // The key is looked up first (the check itself is synchronous), then handed to it only for the method it names.
  const named = methodOf(doc);
  const hash = typeof named === 'string' ? named.lastIndexOf('#') : -1;
  const ours = typeof named === 'string' && hash >= 0 && named.slice(0, hash) === issuerId(baseUrl);
  const known = ours ? await verificationKey(db, (named as string).slice(hash + 1)) : undefined;
  let keyKnown = false;
  const check = checkJcsProof(doc, (method) => {
    const key = method === named ? known : undefined;
    keyKnown = !!key;
    return key;
  });
  if (check.ok) return { checks: { ...NOT_CHECKED, issuerKey: 'passed', signature: 'passed' } };
  if (check.reason === 'malformed') return { reason: 'malformed', checks: NOT_CHECKED };
  return { reason: check.reason, checks: { ...NOT_CHECKED, issuerKey: outcome(keyKnown), signature: keyKnown ? 'failed' : 'notChecked' } };
}

/**
 * Verifies a credential (an object or JSON text) issued by this deployment (`baseUrl`): the proof
 * must be ours and intact, then the status list and the certificate's record decide whether it
 * still stands.
 */
export async function verifyCredential(db: Db, credential: unknown, { baseUrl }: { baseUrl: string }): Promise<VerificationResult> {
  const doc = parse(credential);
  if (!doc) return { valid: false, revoked: false, reason: 'malformed', checks: NOT_CHECKED };
  const suite = cryptosuiteOf(doc);
  if (suite !== CRYPTOSUITE && suite !== LEGACY_CRYPTOSUITE) return { valid: false, revoked: false, reason: 'malformed', checks: NOT_CHECKED };

  const proof = suite === CRYPTOSUITE ? await checkRdfcProof(db, doc, baseUrl) : await checkLegacyProof(db, doc, baseUrl);
  const checks: Checks = { ...proof.checks, shape: outcome(hasAchievementCredentialShape(doc)) };
  if (proof.reason) return { valid: false, revoked: false, reason: proof.reason, checks };

  const claims = certifiedClaims(doc);
  const code = normaliseCode(doc.id.slice(doc.id.lastIndexOf('/') + 1));
  const cert = code ? await findCertificate(db, code) : undefined;
  if (!cert) return { valid: false, revoked: false, reason: 'unknown', checks, claims };
  const status = proof.revokedInList ? 'revoked' : certificateStatus(cert);
  if (checks.status === 'notChecked') checks.status = outcome(status !== 'revoked');
  const result = { checks, claims, certificate: publicPart(cert) };
  if (status === 'valid') return { valid: true, revoked: false, ...result };
  return { valid: false, revoked: status === 'revoked', reason: status, ...result };
}
