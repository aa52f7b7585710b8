import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { HttpError } from '../http/errors.ts';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

function limiter(limit: number, windowMs: number, keyGenerator?: (req: Parameters<RequestHandler>[0]) => string, countOnlyFailures = false): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: countOnlyFailures,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (_req, _res, next) => next(new HttpError(429, 'errors:tooManyAttempts')),
  });
}

/** Sign-in attempts: per address (any outcome) and per account (failures only), so neither guessing nor spraying scales. */
export function loginLimiters(): RequestHandler[] {
  return [
    limiter(30, FIFTEEN_MINUTES),
    limiter(
      10,
      FIFTEEN_MINUTES,
      (req) =>
        `account:${String(req.body?.email ?? '')
          .trim()
          .toLowerCase()}`,
      true,
    ),
  ];
}

/** Generic per-address limiter for public endpoints that could be enumerated (certificate codes, sign-up). */
export function perAddressLimiter(limit: number, windowMs = 60 * 1000): RequestHandler {
  return limiter(limit, windowMs);
}
