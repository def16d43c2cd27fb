/**
 * The HTTP API: job routes, health, Prometheus metrics, OpenAPI description
 * (/openapi.json, UI at /docs), Bull Board (/admin/queues) and the training
 * dashboard (/, dashboard/routes.ts), behind the
 * auth hook (auth.ts), a body limit and a rate limit on mutating routes
 * (limits.ts). services/api/README.md describes the model.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { modelsDir, QueueClient } from '@tensorpool/queue';
import { authHook, type RouteAuth } from './auth.js';
import { registerBoard } from './board.js';
import { resolveConfig, type ApiConfig, type ApiOptions } from './config.js';
import { errorHandler } from './errors.js';
import { registerRateLimit } from './limits.js';
import { fastifyTrustProxy } from './trust-proxy.js';
import { loggerOptions } from './log.js';
import { jobRoutes } from './jobs.js';
import { datasetRoutes } from './datasets.js';
import { prometheusRegistry } from './prometheus.js';
import { SessionStore } from './session.js';
import { registerDashboard } from './dashboard/routes.js';
import { RedisSource } from './dashboard/redis-source.js';
import { registerExplorer } from './dashboard/explorer-routes.js';

export type { ApiOptions } from './config.js';

export type ApiServer = FastifyInstance & {
  queueClient: QueueClient;
  apiConfig: ApiConfig;
  /** Every route as registered (method, url, final config), HEAD twins included: what tests attack. */
  routeList: RouteOptions[];
};

export async function buildServer(opts: ApiOptions = {}): Promise<ApiServer> {
  const cfg = resolveConfig(opts);
  const client = new QueueClient(opts);
  // BullMQ checks the Redis version on first connect; closing before that check ends crashes the
  // process (EPIPE on a connection no one listens to), so a server is only handed out once it is done.
  const { train, epochs, shards, flow } = client.queues;
  await Promise.all([train.waitUntilReady(), epochs.waitUntilReady(), shards.waitUntilReady(), flow.waitUntilReady()]);
  const app = Fastify({ logger: loggerOptions(opts.logger), bodyLimit: cfg.bodyBytes, frameworkErrors: routerError, trustProxy: fastifyTrustProxy(cfg.trustProxy) });
  const routeList: RouteOptions[] = [];
  app.addHook('onRoute', (r) => void routeList.push(r));
  app.addHook('onClose', async () => client.close());
  await registerRateLimit(app, cfg, client);

  await app.register(swagger, {
    openapi: {
      info: { title: 'tensorpool API', version: '0.1.0', description: 'Queue distributed training jobs and read their status and metrics.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  // The UI and the description only describe the routes (as the source does); no data, no side effect.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (r) => void (r.config = { ...(r.config as object | undefined), public: true } satisfies RouteAuth));
    await scope.register(swaggerUi, { routePrefix: '/docs' });
  });
  const sessions = new SessionStore(client.redis, client.keys, cfg.sessionTtlMs, { user: cfg.token, admin: cfg.adminToken });
  app.addHook('onRequest', authHook(cfg, sessions));
  jsonBodies(app);
  app.setErrorHandler(errorHandler(cfg.bodyBytes));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]} (see /docs)` });
  });

  app.get('/healthz', { config: { public: true }, schema: { summary: 'Liveness and Redis reachability', tags: ['ops'] } }, async (_req, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to PING within ${cfg.healthTimeoutMs} ms`)), cfg.healthTimeoutMs);
    });
    try {
      await Promise.race([client.redis.ping(), late]);
      return { ok: true };
    } catch (e) {
      return reply.code(503).send({ ok: false, message: `redis unreachable: ${(e as Error).message}` });
    } finally {
      clearTimeout(timer);
    }
  });
  const registry = prometheusRegistry(client);
  const metricsSecurity = cfg.publicMetrics ? [] : [{ bearer: [] }];
  app.get('/metrics', { config: { public: cfg.publicMetrics }, schema: { summary: 'Prometheus metrics', tags: ['ops'], security: metricsSecurity } }, async (_req, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  jobRoutes(app, client);
  // Behind the auth hook above (registered after it, so the scope inherits it); DELETE refused while a job uses the dataset.
  await app.register(datasetRoutes, {
    store: client.datasetStore(),
    uploadLimit: cfg.uploadBytes,
    inUse: (id) => client.datasetInUse(id),
  });
  await registerBoard(app, client, { readOnly: cfg.adminToken === undefined, bodyBytes: cfg.bodyBytes });
  const runs = new RedisSource(client, modelsDir(opts.modelsDir));
  await registerDashboard(app, runs);
  await registerExplorer(app, { modelsRoot: modelsDir(opts.modelsDir), source: runs });

  const out = app as unknown as ApiServer;
  Object.assign(out, { queueClient: client, apiConfig: cfg, routeList });
  return out;
}

/**
 * URLs the router cannot even decode (bad percent-encoding, an over-long
 * parameter) are refused before any route or hook: a 4xx in our one-line
 * shape that does not echo the URL back.
 */
function routerError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.code(tooLong ? 414 : 400).send({ error: tooLong ? 'uri_too_long' : 'bad_request', message: tooLong ? 'a path segment is too long' : 'malformed URL (invalid percent-encoding)' });
}

/** JSON bodies: an empty body is no body (curl -X DELETE -H 'content-type: application/json'); invalid JSON is a 400 that says so. */
function jsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(Object.assign(new Error(`request body is not valid JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
}
