/**
 * What the dashboard does to a run beyond watching it, and the compare page:
 *   GET  /compare?ids=a,b,…               the compare page (compare.js reads /api/runs/:id of each)
 *   GET  /api/runs/:id/files              the run's downloadable model files [{name, bytes}]
 *   GET  /runs/:id/files/:name            one of them, as an attachment (run-files.ts confines it)
 *   POST /api/runs/:id/cancel             cancels a distributed job
 * All behind the dashboard's auth (token or session cookie). Cancel is the one
 * change a signed-in user (not only the admin) may make from the dashboard
 * (`action: true`, auth.ts), so it is guarded against cross-site requests
 * beyond the SameSite=Strict cookie: it needs the X-Tensorpool-Action header
 * (a cross-origin page cannot send it without a CORS preflight, which this
 * server never allows), and an Origin or Sec-Fetch-Site header, when the
 * browser sends one, must say same origin.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAuth } from '../auth.js';
import type { RunSource } from './source.js';
import { listRunFiles, MODEL_FILE, runFilePath } from './run-files.js';

export const ACTION_HEADER = 'x-tensorpool-action';
const hide = { hide: true };
const ID = '^[A-Za-z0-9._~-]{1,300}$';
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: ID } }, required: ['id'] } as const;
const fileParams = { type: 'object', properties: { id: { type: 'string', pattern: ID }, name: { type: 'string', pattern: MODEL_FILE.source } }, required: ['id', 'name'] } as const;

type IdReq = FastifyRequest<{ Params: { id: string } }>;

export function registerRunActions(app: FastifyInstance, source: RunSource, page: (reply: FastifyReply, file: string) => FastifyReply): void {
  const PAGE: RouteAuth = { board: true, page: true };
  const DATA: RouteAuth = { board: true };
  const notFound = (reply: FastifyReply, what: string) => reply.code(404).send({ error: 'not_found', message: what });

  app.get('/compare', { config: PAGE, schema: hide }, (_req, reply) => page(reply, 'compare.html'));

  app.get('/api/runs/:id/files', { config: DATA, schema: { ...hide, params: idParams } }, async (req: IdReq, reply) => {
    const run = await source.runDir(req.params.id);
    if (!run && !(await source.has(req.params.id))) return notFound(reply, `no run ${req.params.id}`);
    return { files: run ? await listRunFiles(run.dir, run.root) : [] };
  });

  app.get<{ Params: { id: string; name: string } }>('/runs/:id/files/:name', { config: DATA, schema: { ...hide, params: fileParams } }, async (req, reply) => {
    const run = await source.runDir(req.params.id);
    const path = run && (await runFilePath(run.dir, run.root, req.params.name));
    if (!path) return notFound(reply, `no file ${req.params.name} for run ${req.params.id}`);
    return reply.header('content-type', req.params.name.endsWith('.json') ? 'application/json' : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${req.params.name}"`)
      .header('cache-control', 'no-store')
      .send(createReadStream(path));
  });

  app.post('/api/runs/:id/cancel', { config: { board: true, action: true } satisfies RouteAuth, schema: { ...hide, params: idParams } }, async (req: IdReq, reply) => {
    const refused = crossSite(req);
    if (refused) return reply.code(403).send({ error: 'forbidden', message: refused });
    if (!source.cancel) return reply.code(409).send({ error: 'not_cancellable', message: 'local runs are stopped where they run (Ctrl-C), not from the dashboard' });
    if (!(await source.has(req.params.id))) return notFound(reply, `no run ${req.params.id}`);
    return { id: req.params.id, ...(await source.cancel(req.params.id)) };
  });
}

/** Why a mutating dashboard request looks cross-site, or undefined when it is same-origin. */
function crossSite(req: FastifyRequest): string | undefined {
  if (req.headers[ACTION_HEADER] !== '1') return `missing ${ACTION_HEADER}: 1 header (sent by the dashboard's own pages)`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `cross-site request refused (Sec-Fetch-Site: ${String(site)})`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) return 'cross-origin request refused (Origin does not match Host)';
  }
  return undefined;
}
