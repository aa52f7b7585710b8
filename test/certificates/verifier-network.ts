import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ACHIEVEMENT_CREDENTIAL_SCHEMA, readInteropFile } from './interop-schemas.ts';

// Third-party verifiers fetch what a credential names: the issuer's did:web document (always over
// https), its status list, and for the DCC verifier 1EdTech's JSON Schema. In the tests the app
// listens on 127.0.0.1 and a replacement for the global fetch sends the BASE_URL origin there (in
// either scheme), answers the 1EdTech schema URL from ../shared, and refuses anything else,
// recording it: no request leaves the machine.

// Where the DCC verifier guesses the schema of an OpenBadgeCredential (VC 2.0) to be.
const SCHEMA_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

export interface VerifierNetwork {
  /** Every URL a verifier asked for, answered or not. */
  requested: string[];
  /** The URLs that were refused (neither the app nor the bundled schema). */
  refused: string[];
  close(): Promise<void>;
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

export async function routeVerifierNetwork(app: Express, baseUrl: string): Promise<VerifierNetwork> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const appHost = new URL(baseUrl).host;
  const realFetch = globalThis.fetch;
  const network: VerifierNetwork = {
    requested: [],
    refused: [],
    close: async () => {
      globalThis.fetch = realFetch;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = new URL(urlOf(input));
    network.requested.push(url.href);
    if (url.host === appHost && (url.protocol === 'https:' || url.protocol === 'http:')) {
      const headers = input instanceof Request ? input.headers : init?.headers;
      return realFetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, { headers });
    }
    if (url.href === SCHEMA_URL) {
      return new Response(readInteropFile(ACHIEVEMENT_CREDENTIAL_SCHEMA), { headers: { 'Content-Type': 'application/json' } });
    }
    network.refused.push(url.href);
    throw new TypeError(`no network in tests: ${url.href}`);
  }) as typeof fetch;
  return network;
}
