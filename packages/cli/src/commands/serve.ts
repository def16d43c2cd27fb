import type { Command } from 'commander';
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { ApiProcess, checkListen, describeTrustProxy, resolveConfig, type ApiOptions } from '@tensorpool/api';
import { runUntilSignal, stderrLogger } from '@tensorpool/queue';
import { parseNonNegativeInt } from '../parse.js';
import { boundsOf, stopFlags, type StopFlags } from '../stop-flags.js';

interface ServeFlags extends StopFlags {
  port: number;
  host: string;
  insecureNoAuth: boolean;
  publicMetrics?: boolean;
  bodyLimit?: number;
  uploadLimit?: number;
  rateLimit?: number;
  rateWindowMs?: number;
  trustProxy?: string;
}

/** Flag value as a non-negative integer; the API's options check the range and name the option. */
const int = parseNonNegativeInt;

/**
 * `tensorpool serve`: the HTTP API (jobs, /healthz, /metrics, /docs, /admin/queues).
 * Refuses to listen beyond loopback without TENSORPOOL_API_TOKEN unless --insecure-no-auth.
 * SIGTERM: stops accepting connections, lets the requests in progress finish; the stop is bounded (bounded-stop.ts).
 */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the HTTP API: /jobs, /healthz, /metrics, OpenAPI at /docs, Bull Board at /admin/queues (TENSORPOOL_API_TOKEN: bearer auth, TENSORPOOL_ADMIN_TOKEN: board may change queues); SIGTERM stops accepting connections and finishes the requests in progress (past the stop bounds: exit 1)')
    .option('--port <n>', 'port', (v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535, got '${v}'`);
      return n;
    }, Number(process.env.PORT) || DEFAULTS.apiPort)
    .option('--host <addr>', 'address to listen on (beyond loopback only with a token or --insecure-no-auth)', '0.0.0.0')
    .option('--insecure-no-auth', 'serve without TENSORPOOL_API_TOKEN on a non-loopback address (anyone who reaches it can queue and cancel jobs)', false)
    .option('--public-metrics', 'serve /metrics without a token (also TENSORPOOL_PUBLIC_METRICS=1)')
    .option('--body-limit <bytes>', `largest request body (default ${DEFAULTS.api.bodyBytes}, TENSORPOOL_API_BODY_BYTES)`, int('--body-limit'))
    .option('--upload-limit <bytes>', `largest dataset upload, PUT /datasets/:name (default ${DEFAULTS.api.uploadBytes}, TENSORPOOL_API_UPLOAD_BYTES)`, int('--upload-limit'))
    .option('--rate-limit <n>', `mutating requests per route and client per window (default ${DEFAULTS.api.rateLimitMax}, TENSORPOOL_API_RATE_MAX)`, int('--rate-limit'))
    .option('--rate-window-ms <ms>', `rate-limit window (default ${DEFAULTS.api.rateLimitWindowMs}, TENSORPOOL_API_RATE_WINDOW_MS)`, int('--rate-window-ms'))
    .option('--trust-proxy <proxies>', 'take the client address (rate limit, logs) from X-Forwarded-For set by these proxies: addresses/CIDRs (10.0.0.0/8,127.0.0.1) or a hop count (default off: the socket peer; TENSORPOOL_API_TRUST_PROXY)');
  stopFlags(cmd, 'api', 'the requests in progress (event streams are cut at once)')
    .action(async (o: ServeFlags) => {
      const opts: ApiOptions = { publicMetrics: o.publicMetrics, bodyBytes: o.bodyLimit, uploadBytes: o.uploadLimit, rateLimitMax: o.rateLimit, rateLimitWindowMs: o.rateWindowMs, trustProxy: o.trustProxy, log: stderrLogger };
      const cfg = resolveConfig(opts);
      checkListen(o.host, cfg.token !== undefined, o.insecureNoAuth);
      const bounds = boundsOf('api', o);
      const mode = cfg.token ? 'bearer auth on' : o.insecureNoAuth ? 'NO AUTH (--insecure-no-auth): anyone who reaches it can queue and cancel jobs' : 'no TENSORPOOL_API_TOKEN: open, loopback only';
      const api = new ApiProcess(opts, { port: o.port, host: o.host }, (addr) => {
        stderrLogger.info(`api listening on ${addr} (${mode}; dashboard ${cfg.adminToken ? 'may change queues with the admin token' : 'read-only'}; ${describeTrustProxy(cfg.trustProxy)})`);
      });
      await runUntilSignal(api, { who: 'api', work: 'requests', leftover: 'their connections are dropped', stopping: 'closing (no new connections, finishing the requests in progress)' }, bounds);
    });
}
