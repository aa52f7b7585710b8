import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseEvidenceRule } from './evidence/rule.ts';

// The only module that reads process.env: everything else receives a Config.
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('data/platform.sqlite'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user:password@host:port/database' }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ISSUER_NAME: z.string().min(1).max(200).default('ICT-CFT Teacher Platform'),
  ISSUER_NAME_RU: z.string().min(1).max(200).optional(),
  COURSES_PATH: z.string().min(1).default('courses'),
  UPLOADS_PATH: z.string().min(1).default('data/uploads'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(200).default(20),
  // Read by server/evidence/rule.ts (once per process, like DATABASE_URL); checked here so a
  // mistake stops the start with a readable message.
  EVIDENCE_RULE: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseEvidenceRule(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  LOOKUP_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(60),
  REMINDERS_EVERY_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(7 * 24 * 60 * 60 * 1000)
    .default(15 * 60 * 1000),
  TRUST_PROXY: z
    .string()
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed === null) ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HELP });
      return parsed ?? z.NEVER;
    })
    .optional(),
});

export type Env = z.input<typeof envSchema>;

/** Trust nothing (false), a number of proxy hops, or proxy addresses, CIDR ranges and Express's named ranges. */
export type TrustProxy = false | number | string[];

const TRUST_PROXY_HELP = 'expected a hop count (1, 2) or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal';
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
// A count larger than the real chain of proxies lets a client name its own address: small ones only.
const MAX_HOPS = 10;

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** TRUST_PROXY as Express takes it, or null when it is not valid. */
function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return null;
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries : null;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databasePath: string;
  /** A postgres:// URL (DATABASE_URL) or the SQLite file (DATABASE_PATH). */
  database: string;
  databasePoolSize: number;
  baseUrl: string;
  secureCookies: boolean;
  logLevel: string;
  issuerName: string;
  /** The issuer's name on certificates of Russian courses (ISSUER_NAME when not set). */
  issuerNameRu: string;
  coursesPath: string;
  /** Where uploaded files are kept (outside the web root). */
  uploadsPath: string;
  maxUploadBytes: number;
  smtpUrl?: string;
  mailFrom: string;
  /** Certificate look-ups per minute per address (against enumeration of codes). */
  lookupRateLimit: number;
  /** How often the reminder run looks for reminders to send (milliseconds). */
  remindersEveryMs: number;
  /** Express's 'trust proxy': which proxies may name the client address (X-Forwarded-For). */
  trustProxy: TrustProxy;
}

export class ConfigError extends Error {}

/**
 * The issuer's name in a language ("ru", "ru-RU", "en"…): what a certificate of a course in that
 * language stores at issue time, so its PDF, page and credential all show the same name.
 */
export function issuerNameFor(config: Pick<Config, 'issuerName' | 'issuerNameRu'>, language: string): string {
  return language.toLowerCase().startsWith('ru') ? config.issuerNameRu : config.issuerName;
}

/** Parses environment variables into a Config; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `PORT=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `Invalid configuration: ${name}=${JSON.stringify(cleaned[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    /** Where the database is: the PostgreSQL URL when DATABASE_URL is set, else the SQLite file. */
    database: e.DATABASE_URL ?? e.DATABASE_PATH,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    baseUrl,
    secureCookies: baseUrl.startsWith('https:') || e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    issuerName: e.ISSUER_NAME,
    issuerNameRu: e.ISSUER_NAME_RU ?? e.ISSUER_NAME,
    coursesPath: path.resolve(e.COURSES_PATH),
    uploadsPath: path.resolve(e.UPLOADS_PATH),
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `no-reply@${new URL(baseUrl).hostname}`,
    lookupRateLimit: e.LOOKUP_RATE_LIMIT,
    remindersEveryMs: e.REMINDERS_EVERY_MS,
    trustProxy: e.TRUST_PROXY ?? false,
  };
}

/** Creates the folder that will hold the database file, unless it is in-memory. */
export function ensureDatabaseFolder(databasePath: string): void {
  if (databasePath === ':memory:') return;
  fs.mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
}
