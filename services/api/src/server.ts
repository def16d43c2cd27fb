/**
 * The HTTP API: job routes, health, Prometheus metrics, OpenAPI description
 * (/openapi.json, UI at /docs) and Bull Board (/admin/queues).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { QueueClient, type ClientOptions } from '@tensorpool/queue';
import { bearerAuth } from './auth.js';
import { jobRoutes } from './jobs.js';
import { prometheusRegistry } from './prometheus.js';

export interface ApiOptions extends ClientOptions {
  /** Bearer token required on job routes (default TENSORPOOL_API_TOKEN; unset = open). */
  token?: string;
  logger?: boolean;
}

export async function buildServer(opts: ApiOptions = {}): Promise<FastifyInstance & { queueClient: QueueClient }> {
  const client = new QueueClient(opts);
  const token = opts.token ?? (process.env.TENSORPOOL_API_TOKEN || undefined);
  const app = Fastify({ logger: opts.logger ?? false });
  app.addHook('onClose', async () => client.close());

  await app.register(swagger, {
    openapi: {
      info: { title: 'tensorpool API', version: '0.1.0', description: 'Queue distributed training jobs and read their status and metrics.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addHook('onRequest', bearerAuth(token));
  // JSON bodies: an empty body is no body (curl -X DELETE -H 'content-type: application/json'),
  // invalid JSON is a 400 that says so.
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

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    void reply.code(status).send({ error: status === 500 ? 'internal' : 'bad_request', message: err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]} (see /docs)` });
  });

  app.get('/healthz', { schema: { summary: 'Liveness and Redis reachability', tags: ['ops'] } }, async (_req, reply) => {
    try {
      await client.redis.ping();
      return { ok: true };
    } catch (e) {
      return reply.code(503).send({ ok: false, message: `redis unreachable: ${(e as Error).message}` });
    }
  });

  const registry = prometheusRegistry(client);
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_req, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  jobRoutes(app, client);

  const board = new FastifyAdapter();
  createBullBoard({
    queues: [client.queues.train, client.queues.epochs, client.queues.shards].map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: board,
  });
  board.setBasePath('/admin/queues');
  await app.register(board.registerPlugin(), { prefix: '/admin/queues' });

  const out = app as unknown as FastifyInstance & { queueClient: QueueClient };
  out.queueClient = client;
  return out;
}
