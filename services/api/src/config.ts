/**
 * The API's options: given explicitly (tests, `tensorpool serve` flags), else
 * from the environment, else DEFAULTS.api. Validated once here, so the rest
 * of the server reads plain, bounded values.
 */
import { DEFAULTS, UsageError } from '@tensorpool/core';
import type { ClientOptions } from '@tensorpool/queue';
import { parseTrustProxy, type TrustProxy, type TrustProxyOption } from './trust-proxy.js';

/** Where request logs go when `logger` is an object (tests capture them). */
export interface LogTarget {
  level?: string;
  stream: { write(line: string): void };
}

export interface ApiOptions extends ClientOptions {
  /** Bearer token every non-public route requires (TENSORPOOL_API_TOKEN; unset = no auth, loopback only via `serve`). */
  token?: string;
  /** Token that may change queues from Bull Board (TENSORPOOL_ADMIN_TOKEN; unset = the board is read-only). */
  adminToken?: string;
  /** Serve /metrics without a token (TENSORPOOL_PUBLIC_METRICS=1). */
  publicMetrics?: boolean;
  /** Largest request body in bytes (TENSORPOOL_API_BODY_BYTES). */
  bodyBytes?: number;
  /** Largest dataset upload in bytes (TENSORPOOL_API_UPLOAD_BYTES). */
  uploadBytes?: number;
  /** Mutating requests per route, client address and window (TENSORPOOL_API_RATE_MAX). */
  rateLimitMax?: number;
  /** The rate-limit window in ms (TENSORPOOL_API_RATE_WINDOW_MS). */
  rateLimitWindowMs?: number;
  /** Lifetime of a dashboard session. */
  sessionTtlMs?: number;
  /** /healthz: 503 when Redis does not answer PING within this (TENSORPOOL_API_HEALTH_TIMEOUT_MS). */
  healthTimeoutMs?: number;
  /** Proxies whose X-Forwarded-For gives the client address (TENSORPOOL_API_TRUST_PROXY; default off, trust-proxy.ts). */
  trustProxy?: TrustProxyOption;
  logger?: boolean | LogTarget;
}

export interface ApiConfig {
  token: string | undefined;
  adminToken: string | undefined;
  publicMetrics: boolean;
  bodyBytes: number;
  uploadBytes: number;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  sessionTtlMs: number;
  healthTimeoutMs: number;
  trustProxy: TrustProxy;
}

/** Shortest token accepted, and the fewest distinct characters in it ('aaaa…' or 'abab…' is no secret). */
export const TOKEN_MIN_LENGTH = 16;
export const TOKEN_MIN_DISTINCT = 8;

/** A token from its option or env variable; the messages never echo it. */
function secret(name: string, given: string | undefined, env: string): string | undefined {
  const v = given ?? (process.env[env] || undefined);
  if (v === undefined || v === '') return undefined;
  if (/\s/.test(v) || v.length > 4096) throw new UsageError(`${name} (${env}) must be one word without spaces, at most 4096 characters`);
  const hint = 'e.g. openssl rand -hex 32';
  if (v.length < TOKEN_MIN_LENGTH) throw new UsageError(`${name} (${env}) is too short: ${v.length} characters, at least ${TOKEN_MIN_LENGTH} (${hint})`);
  if (new Set(v).size < TOKEN_MIN_DISTINCT) throw new UsageError(`${name} (${env}) is too guessable: ${new Set(v).size} distinct characters, at least ${TOKEN_MIN_DISTINCT} (${hint})`);
  return v;
}

/** `names`: how an operator sets it, e.g. 'bodyBytes (serve --body-limit, TENSORPOOL_API_BODY_BYTES)'. */
function int(names: string, given: number | undefined, env: string, fallback: number, min: number, max: number): number {
  const raw = process.env[env];
  const v = given ?? (raw !== undefined && raw !== '' ? Number(raw) : fallback);
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`${names} must be an integer in [${min}, ${max}], got '${given ?? raw}'`);
  }
  return v;
}

export function resolveConfig(opts: ApiOptions): ApiConfig {
  const d = DEFAULTS.api;
  const token = secret('token', opts.token, 'TENSORPOOL_API_TOKEN');
  const adminToken = secret('adminToken', opts.adminToken, 'TENSORPOOL_ADMIN_TOKEN');
  if (token !== undefined && token === adminToken) throw new UsageError('the admin token (TENSORPOOL_ADMIN_TOKEN) must differ from the API token (TENSORPOOL_API_TOKEN)');
  return {
    token,
    adminToken,
    publicMetrics: opts.publicMetrics ?? process.env.TENSORPOOL_PUBLIC_METRICS === '1',
    bodyBytes: int('bodyBytes (serve --body-limit, TENSORPOOL_API_BODY_BYTES)', opts.bodyBytes, 'TENSORPOOL_API_BODY_BYTES', d.bodyBytes, 1024, 1 << 30),
    uploadBytes: int('uploadBytes (serve --upload-limit, TENSORPOOL_API_UPLOAD_BYTES)', opts.uploadBytes, 'TENSORPOOL_API_UPLOAD_BYTES', d.uploadBytes, 1024, 2 ** 45),
    rateLimitMax: int('rateLimitMax (serve --rate-limit, TENSORPOOL_API_RATE_MAX)', opts.rateLimitMax, 'TENSORPOOL_API_RATE_MAX', d.rateLimitMax, 1, 1_000_000),
    rateLimitWindowMs: int('rateLimitWindowMs (serve --rate-window-ms, TENSORPOOL_API_RATE_WINDOW_MS)', opts.rateLimitWindowMs, 'TENSORPOOL_API_RATE_WINDOW_MS', d.rateLimitWindowMs, 1000, 86_400_000),
    sessionTtlMs: int('sessionTtlMs (TENSORPOOL_API_SESSION_TTL_MS)', opts.sessionTtlMs, 'TENSORPOOL_API_SESSION_TTL_MS', d.sessionTtlMs, 60_000, 7 * 86_400_000),
    healthTimeoutMs: int('healthTimeoutMs (TENSORPOOL_API_HEALTH_TIMEOUT_MS)', opts.healthTimeoutMs, 'TENSORPOOL_API_HEALTH_TIMEOUT_MS', d.healthTimeoutMs, 100, 600_000),
    trustProxy: parseTrustProxy(opts.trustProxy),
  };
}
