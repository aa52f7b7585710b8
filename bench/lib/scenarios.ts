import type { NextRequest } from './load.ts';
import { sessionCookieName } from '../../server/auth/cookies.ts';
import type { CompletionPair, Pools } from './seed.ts';

// What each scenario requests. Every signed-in request carries the session cookie of a
// teacher from a pool (created directly in the database), so the server does the real
// session lookup, progress queries and rendering for many different people.

export const SCENARIO_NAMES = ['catalogue', 'catalogue-signed-in', 'module', 'dashboard', 'framework', 'certificate', 'certificate-pdf', 'complete'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  name: ScenarioName | 'baseline';
  label: string;
  kind: 'baseline' | 'page' | 'pdf' | 'completion';
  expect: (status: number, headers: Record<string, string>) => boolean;
  /** A fresh request generator over the pools (the server URL is needed for Origin). */
  requests: (pools: Pools, url: string) => () => NextRequest | null;
}

const is200 = (status: number) => status === 200;
/**
 * A completion is acknowledged by a 303 back to the module; a 303 to /login means the session was
 * not recognised and nothing was recorded (the crash check once counted those as acknowledged).
 */
export const completionAcknowledged = (status: number, headers: Record<string, string>) =>
  status === 303 && !String(headers.location ?? '').startsWith('/login');
// The bench server runs with NODE_ENV=production, where the session cookie carries the __Host- prefix.
export const SESSION_COOKIE = sessionCookieName(true);
const cookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

/** Round robin over a pool, so consecutive requests belong to different teachers. */
function cycle<T>(list: T[], build: (item: T, n: number) => NextRequest): () => NextRequest {
  if (list.length === 0) throw new Error('empty request pool: seed more teachers');
  let n = 0;
  return () => {
    const i = n++;
    return build(list[i % list.length]!, i);
  };
}

/**
 * Certificate lookups are rate-limited per address (60 a minute, against code enumeration), as
 * they should be. Real verification traffic comes from many people, each from their own
 * address; the platform trusts X-Forwarded-For from a loopback proxy, so each simulated visitor
 * gets one. A single address would measure the limiter's 429 page instead.
 */
export function visitorAddress(n: number): string {
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export const BASELINE: Scenario = {
  name: 'baseline',
  label: 'bare Express 5 + EJS page',
  kind: 'baseline',
  expect: is200,
  requests: () => () => ({ path: '/' }),
};

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  catalogue: {
    name: 'catalogue',
    label: 'GET / (catalogue, anonymous)',
    kind: 'page',
    expect: is200,
    requests: () => () => ({ path: '/' }),
  },
  // The same page for a teacher: signed-in pages are never served from the signed-out cache, so
  // this is what rendering the catalogue costs.
  'catalogue-signed-in': {
    name: 'catalogue-signed-in',
    label: 'GET / (catalogue, teacher: rendered each time)',
    kind: 'page',
    expect: is200,
    requests: (pools) => cycle(pools.signedIn, (token) => ({ path: '/', headers: cookie(token) })),
  },
  module: {
    name: 'module',
    label: 'GET /courses/:c/:m (teacher with progress)',
    kind: 'page',
    expect: is200,
    requests: (pools) => cycle(pools.modulePages, (p) => ({ path: p.path, headers: cookie(p.token) })),
  },
  dashboard: {
    name: 'dashboard',
    label: 'GET /dashboard',
    kind: 'page',
    expect: is200,
    requests: (pools) => cycle(pools.signedIn, (token) => ({ path: '/dashboard', headers: cookie(token) })),
  },
  framework: {
    name: 'framework',
    label: 'GET /framework (teacher, with evidence)',
    kind: 'page',
    expect: is200,
    requests: (pools) => cycle(pools.signedIn, (token) => ({ path: '/framework', headers: cookie(token) })),
  },
  certificate: {
    name: 'certificate',
    label: 'GET /certificates/:code (public)',
    kind: 'page',
    expect: is200,
    requests: (pools) => cycle(pools.certificates, (c, n) => ({ path: `/certificates/${c.code}`, headers: { 'x-forwarded-for': visitorAddress(n) } })),
  },
  'certificate-pdf': {
    name: 'certificate-pdf',
    label: 'GET /certificates/:code.pdf (owner)',
    kind: 'pdf',
    expect: is200,
    requests: (pools) =>
      cycle(pools.certificates, (c, n) => ({
        path: `/certificates/${c.code}.pdf`,
        // The owner downloads from their own address (apart from the page visitors' ones).
        headers: { ...cookie(c.ownerToken), 'x-forwarded-for': visitorAddress(8_000_000 + (n % pools.certificates.length)) },
      })),
  },
  complete: {
    name: 'complete',
    label: 'POST /courses/:c/:m/quiz (passing: completes)',
    kind: 'completion',
    // A plain form post is answered 303 See Other once the transaction has committed.
    expect: completionAcknowledged,
    requests: (pools, url) => completionRequests(pools.completions, url),
  },
};

/**
 * Each request a different (teacher, module) first completion; null when all are used. A shared
 * cursor lets runs against successive servers (the crash scenario) carry on down the same list.
 */
export function completionRequests(pairs: CompletionPair[], url: string, cursor = { next: 0 }): () => NextRequest | null {
  return () => {
    const pair = pairs[cursor.next++];
    if (!pair) return null;
    return {
      method: 'POST',
      path: pair.path,
      headers: { ...cookie(pair.token), origin: url, 'content-type': 'application/x-www-form-urlencoded' },
      body: pair.body,
      tag: pair,
    };
  };
}
