/**
 * Resource limits of the HTTP layer: the body size (fastify `bodyLimit`, set
 * in server.ts) and a rate limit on every mutating route (POST, PUT, PATCH,
 * DELETE: job routes and Bull Board's actions alike, found by the route's
 * method when it is added, so a new route is covered). Counters live in
 * Redis under the service's prefix, so API replicas share them; they are per
 * route and client address: `request.ip`, the socket's peer unless
 * `trustProxy` names the proxies in front (trust-proxy.ts), then the address
 * they forward.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { QueueClient } from '@tensorpool/queue';
import type { ApiConfig } from './config.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isMutating(method: string | string[]): boolean {
  return ([] as string[]).concat(method).some((m) => MUTATING.has(m.toUpperCase()));
}

export async function registerRateLimit(app: FastifyInstance, cfg: ApiConfig, client: QueueClient): Promise<void> {
  // Runs before the plugin's own onRoute hook (added by the register below), so the plugin sees the config.
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { rateLimit?: unknown };
    if (isMutating(route.method) && config.rateLimit === undefined) route.config = { ...config, rateLimit: {} };
  });
  const seconds = cfg.rateLimitWindowMs / 1000;
  await app.register(rateLimit, {
    global: false,
    max: cfg.rateLimitMax,
    timeWindow: cfg.rateLimitWindowMs,
    redis: client.redis,
    nameSpace: client.keys.rateLimit,
    // fastify's client address: the socket peer, or with trustProxy the forwarded one (never a header by itself).
    keyGenerator: (req: FastifyRequest) => req.ip,
    errorResponseBuilder: (req: FastifyRequest, ctx: { statusCode: number; max: number; after: string }) =>
      Object.assign(new Error(`rate limit: at most ${ctx.max} ${req.method} ${req.routeOptions.url} requests per ${seconds} s from one client; retry in ${ctx.after}`), { statusCode: ctx.statusCode }),
  });
}
