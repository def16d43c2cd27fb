/**
 * The dashboard: HTML pages (/, /runs/:id, /workers, /login), their static
 * files (/static/*, uPlot at /static/vendor/*, both public: code, no data),
 * and the data they read (/api/runs, /api/runs/:id, /api/workers, and the
 * event stream /runs/:id/events, sse.ts). Pages and data carry
 * `{ board: true }` (bearer token or session cookie, auth.ts); pages also
 * `page: true`, so a browser without a session gets the 401 as a page that
 * links to /login. The login form sends the token once as `/?token=`, which
 * the auth hook exchanges for the session cookie (session.ts).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { RouteAuth } from '../auth.js';
import type { RunSource } from './source.js';
import { streamRunEvents } from './sse.js';
import { registerRunActions } from './run-actions.js';

export const UI_DIR = fileURLToPath(new URL('../../dashboard-ui/', import.meta.url));
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

const PAGE: RouteAuth = { board: true, page: true };
const DATA: RouteAuth = { board: true };
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,300}$' } }, required: ['id'] } as const;

export async function registerDashboard(app: FastifyInstance, source: RunSource): Promise<void> {
  // reply.sendFile for the pages, no routes of its own; the public scope below serves the files.
  await app.register(fastifyStatic, { root: UI_DIR, serve: false });
  await app.register(async (scope) => {
    scope.addHook('onRoute', (r) => void (r.config = { ...(r.config as object | undefined), public: true } satisfies RouteAuth));
    await scope.register(fastifyStatic, { root: UI_DIR, prefix: '/static/', decorateReply: false, index: false });
    await scope.register(fastifyStatic, { root: UPLOT_DIR, prefix: '/static/vendor/', decorateReply: false, index: false });
    scope.get('/login', { schema: { hide: true } }, (_req, reply) => page(reply, 'login.html'));
  });
  const hide = { hide: true };
  app.get('/', { config: PAGE, schema: hide }, (_req, reply) => page(reply, 'index.html'));
  app.get('/runs/:id', { config: PAGE, schema: { ...hide, params: idParams } }, (_req, reply) => page(reply, 'run.html'));
  app.get('/workers', { config: PAGE, schema: hide }, (_req, reply) => page(reply, 'workers.html'));

  app.get('/api/runs', { config: DATA, schema: hide }, async () => ({ source: source.kind, runs: await source.list() }));
  app.get<{ Params: { id: string } }>('/api/runs/:id', { config: DATA, schema: { ...hide, params: idParams } }, async (req, reply) => {
    if (!(await source.has(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no run ${req.params.id}` });
    const events = await source.read(req.params.id, '0');
    return { id: req.params.id, events: events.map((e) => e.event) };
  });
  app.get<{ Params: { id: string } }>('/runs/:id/events', { config: DATA, schema: { ...hide, params: idParams } }, async (req, reply) => {
    if (!(await source.has(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no run ${req.params.id}` });
    await streamRunEvents(source, req.params.id, req, reply);
    return reply;
  });
  app.get('/api/workers', { config: DATA, schema: hide }, async () => (source.workers ? source.workers() : { workers: [], queues: {} }));
  registerRunActions(app, source, page);
}

function page(reply: FastifyReply, file: string): FastifyReply {
  return reply.header('cache-control', 'no-store').sendFile(file, UI_DIR);
}
