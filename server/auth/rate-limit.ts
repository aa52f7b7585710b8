import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, type Options, type RateLimitInfo, rateLimit } from 'express-rate-limit';
import type { Db } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { formText } from '../http/validation.ts';
import { DatabaseStore } from './rate-limit-store.ts';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/**
 * Failed sign-ins allowed per 15 minutes. A person at a keyboard meets the (account, address)
 * limit; the account limit bounds guessing one account from many addresses, and is three times
 * higher so that one other address cannot lock the owner out. The address limit fits a school
 * or satellite link: a 40-person workshop where everyone mistypes twice makes 80 failures.
 */
export const LOGIN_LIMITS = { accountAddress: 10, account: 30, address: 100, windowMs: FIFTEEN_MINUTES };

interface LimiterOptions {
  /** Stable and unique: it prefixes the keys, so every app instance shares the counters. */
  name: string;
  limit: number;
  windowMs: number;
  key?: (req: Request) => string;
  /** Count only what `counts` says (default: every request). */
  counts?: (res: Response) => boolean;
  handler?: Options['handler'];
}

function limiter(db: Db, o: LimiterOptions): RequestHandler {
  const counts = o.counts;
  return rateLimit({
    windowMs: o.windowMs,
    limit: o.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: o.name,
    store: new DatabaseStore(db, `${o.name}:`),
    // The library counts a request first and takes it back when the response shows it does not count.
    ...(counts ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req: Request, res: Response) => !counts(res) } : {}),
    ...(o.key ? { keyGenerator: o.key } : {}),
    // req.ip follows TRUST_PROXY: a forwarded header from an untrusted client is expected, and ignored.
    validate: { xForwardedForHeader: false },
    handler: o.handler ?? ((_req, _res, next) => next(new HttpError(429, 'errors:tooManyAttempts'))),
  });
}

/** Which limit refused a sign-in: the account's failures or the whole address's. */
export type LoginLimit = 'account' | 'address';
/** Answers a refused sign-in (status 429 and Retry-After are already set). */
export type LoginRefusal = (req: Request, res: Response, limit: LoginLimit, resetTime: Date | undefined) => unknown;

/**
 * Sign-in limiters, counting failures only: per address, per account and per (account, address).
 * A failure is a 401 (credentials checked and wrong); successes and refusals (429) are taken back,
 * so a locked-out teacher who keeps trying does not use up the school's address budget.
 */
export function loginLimiters(db: Db, refuse: LoginRefusal): RequestHandler[] {
  const failed = (res: Response) => res.statusCode === 401;
  const account = (req: Request) => formText(req.body?.email).trim().toLowerCase().slice(0, 254);
  // The limiter that refused has just put its numbers on req.rateLimit.
  const refuseFor = (limit: LoginLimit): Options['handler'] => {
    return (req, res) => refuse(req, res, limit, (req as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime);
  };
  const { windowMs } = LOGIN_LIMITS;
  return [
    limiter(db, { name: 'login-address', limit: LOGIN_LIMITS.address, windowMs, counts: failed, handler: refuseFor('address') }),
    limiter(db, { name: 'login-account', limit: LOGIN_LIMITS.account, windowMs, key: account, counts: failed, handler: refuseFor('account') }),
    limiter(db, {
      name: 'login-account-address',
      limit: LOGIN_LIMITS.accountAddress,
      windowMs,
      key: (req) => `${account(req)} ${ipKeyGenerator(req.ip ?? '')}`,
      counts: failed,
      handler: refuseFor('account'),
    }),
  ];
}

/**
 * Per-address limiter for public endpoints that could be enumerated (certificate codes, sign-up,
 * one-time links); it counts every request. `name` must be unique among limiters.
 */
export function perAddressLimiter(db: Db, name: string, limit: number, windowMs = 60 * 1000): RequestHandler {
  return limiter(db, { name, limit, windowMs });
}
