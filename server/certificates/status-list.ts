import { BitstringStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import type { Db } from '../db/client.ts';
import { VC_V2 } from './contexts.ts';
import { issuerDid } from './did.ts';
import { signingKey } from './keys.ts';
import { isoDate } from './present.ts';
import { anyCertificateInRange, revokedInRange } from './queries.ts';
import { signCredential } from './signing.ts';

// W3C Bitstring Status List v1.0: each certificate owns one bit, found from its row id (list
// number and index), so nothing new is stored; a revoked certificate's bit is 1. The signed list
// credential is built from the certificates table on request, so it is never stale.

/** The spec's minimum length (16 KB), so that one bit says little about whose certificate it is. */
export const LIST_LENGTH = 131_072;
export const STATUS_PURPOSE = 'revocation';

export function statusPosition(certificateId: number): { list: number; index: number } {
  return { list: Math.floor(certificateId / LIST_LENGTH) + 1, index: certificateId % LIST_LENGTH };
}

const listsPrefix = (baseUrl: string) => `${baseUrl}/credentials/status/`;

export function statusListUrl(baseUrl: string, list: number): string {
  return `${listsPrefix(baseUrl)}${list}`;
}

/** A list number as written in a URL ("1", never "01" or "1.0"), else undefined. */
export function listNumber(text: string): number | undefined {
  return /^[1-9]\d{0,5}$/.test(text) ? Number(text) : undefined;
}

/** The list number a status list URL of this issuer names, else undefined. */
export function listOfUrl(baseUrl: string, url: string): number | undefined {
  const prefix = listsPrefix(baseUrl);
  return url.startsWith(prefix) ? listNumber(url.slice(prefix.length)) : undefined;
}

/** The credentialStatus of a certificate's credential. */
export function statusEntry(baseUrl: string, certificateId: number) {
  const { list, index } = statusPosition(certificateId);
  const url = statusListUrl(baseUrl, list);
  return { id: `${url}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: STATUS_PURPOSE, statusListIndex: String(index), statusListCredential: url };
}

/**
 * GET /credentials/status/:list: the signed BitstringStatusListCredential, or undefined when no
 * certificate falls in that list. Its dates are those of the last change (the latest revocation,
 * or the signing key's creation), so an unchanged list is byte-for-byte the same.
 */
export async function statusListCredential(db: Db, baseUrl: string, list: number): Promise<Record<string, unknown> | undefined> {
  const from = (list - 1) * LIST_LENGTH;
  const to = from + LIST_LENGTH;
  if (!(await anyCertificateInRange(db, from, to))) return undefined;
  const revoked = await revokedInRange(db, from, to);
  const key = await signingKey(db);
  const bits = new BitstringStatusList({ length: LIST_LENGTH });
  for (const { id } of revoked) bits.setStatus(id - from, true);
  const changedAt = revoked.reduce((latest, r) => Math.max(latest, r.revokedAt), key.createdAt);
  const url = statusListUrl(baseUrl, list);
  const unsigned = {
    '@context': [VC_V2],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerDid(baseUrl),
    validFrom: isoDate(changedAt),
    credentialSubject: { id: `${url}#list`, type: 'BitstringStatusList', statusPurpose: STATUS_PURPOSE, encodedList: await bits.encode() },
  };
  return signCredential(db, baseUrl, unsigned, isoDate(changedAt), key);
}
