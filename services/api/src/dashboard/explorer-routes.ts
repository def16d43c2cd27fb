/**
 * The pooling explorer and the sample predictions, next to the dashboard
 * (routes.ts) and behind the same auth:
 *   GET  /explorer                     the page (dashboard-ui/explorer.html)
 *   GET  /api/models                   saved models under the models root (model-scan.ts)
 *   GET  /api/models/:id/samples       their samples.json, validated; .png: the images
 *   POST /api/models/:id/explain       an uploaded image (body, at most DEFAULTS.explorer.uploadBytes: 413),
 *                                      or ?sample=k, through the model: explorer-wire.ts's binary answer
 *   GET  /api/runs/:id/samples         a finished run's samples and its model's id (its model dir
 *                                      from the run-finished event, only when inside the models root;
 *                                      else `model: null`)
 * The forward pass runs in a worker thread (explorer-thread.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEFAULTS, isTensorpoolError } from '@tensorpool/core';
import { loadSamples, SAMPLES_PNG } from '@tensorpool/training';
import type { RouteAuth } from '../auth.js';
import type { RunSource } from './source.js';
import { ExplorerThread } from './explorer-thread.js';
import { encodeExplanation } from './explorer-wire.js';
import { modelAt, scanModels, type ModelEntry } from './model-scan.js';
import { UI_DIR } from './routes.js';

export interface ExplorerOptions {
  /** Where saved models may be read from: the models dir (serve) or the log dir (dashboard --logdir). */
  modelsRoot: string;
  source: RunSource;
}

const PAGE: RouteAuth = { board: true, page: true };
const DATA: RouteAuth = { board: true };
/** The forward pass is a POST (it takes an upload) but changes nothing: a user's session may run it. */
const COMPUTE: RouteAuth = { board: true, compute: true };
const ID = '^[A-Za-z0-9._~-]{1,300}$';
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: ID } }, required: ['id'] } as const;
const hide = { hide: true };
type IdReq = { Params: { id: string } };

export async function registerExplorer(app: FastifyInstance, opts: ExplorerOptions): Promise<void> {
  const thread = new ExplorerThread();
  app.addHook('onClose', async () => thread.close());
  await app.register(async (scope) => {
    // Uploads arrive as raw bytes; the decoder (sharp, in the worker) decides what they are.
    for (const type of ['application/octet-stream', /^image\//]) {
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: DEFAULTS.explorer.uploadBytes }, (_req, body, done) => done(null, body));
    }
    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      // Our own errors here are bad files under the root (a tampered samples.json): 422, saying what is wrong.
      const s = err.statusCode ?? (isTensorpoolError(err) ? 422 : 500);
      const status = s === 503 || (s >= 400 && s < 500) ? s : 500;
      if (status === 500) req.log.error({ err }, 'explorer request failed');
      const message = status === 413 ? `the image is larger than ${DEFAULTS.explorer.uploadBytes} bytes` : status === 500 ? 'internal error' : err.message.split('\n')[0];
      void reply.code(status).send({ error: status === 413 ? 'payload_too_large' : status === 503 ? 'busy' : status === 500 ? 'internal' : 'bad_request', message });
    });

    const model = async (id: string, reply: FastifyReply): Promise<ModelEntry | null> => {
      const m = (await scanModels(opts.modelsRoot)).get(id) ?? null;
      if (!m) void reply.code(404).send({ error: 'not_found', message: `no model ${id}` });
      return m;
    };

    scope.get('/explorer', { config: PAGE, schema: hide }, (_req, reply) => {
      thread.warm();
      return reply.header('cache-control', 'no-store').sendFile('explorer.html', UI_DIR);
    });
    scope.get('/api/models', { config: DATA, schema: hide }, async () => ({
      models: [...(await scanModels(opts.modelsRoot)).values()].map(({ id, samples }) => ({ id, samples })).sort((a, b) => a.id.localeCompare(b.id)),
    }));
    scope.get<IdReq>('/api/models/:id/samples', { config: DATA, schema: { ...hide, params: idParams } }, async (req, reply) => {
      const m = await model(req.params.id, reply);
      if (!m) return reply;
      const s = await loadSamples(m.dir);
      if (!s) return reply.code(404).send({ error: 'not_found', message: `model ${m.id} has no saved samples` });
      return { model: m.id, ...s.index };
    });
    scope.get<IdReq>('/api/models/:id/samples.png', { config: DATA, schema: { ...hide, params: idParams } }, async (req, reply) => {
      const m = await model(req.params.id, reply);
      if (!m) return reply;
      const png = await readFile(join(m.dir, SAMPLES_PNG)).catch(() => null);
      if (!png) return reply.code(404).send({ error: 'not_found', message: `model ${m.id} has no saved samples` });
      return reply.header('content-type', 'image/png').header('cache-control', 'no-store').send(png);
    });
    scope.post<IdReq & { Querystring: { sample?: number } }>('/api/models/:id/explain', {
      config: COMPUTE, bodyLimit: DEFAULTS.explorer.uploadBytes,
      schema: { ...hide, params: idParams, querystring: { type: 'object', properties: { sample: { type: 'integer', minimum: 0, maximum: 255 } }, additionalProperties: false } },
    }, async (req, reply) => {
      const body = req.body;
      const image = Buffer.isBuffer(body) && body.length > 0 ? new Uint8Array(body) : undefined; // a copy: its buffer is transferred to the worker
      if (!image && req.query.sample === undefined) return reply.code(400).send({ error: 'bad_request', message: 'send an image as the body (content-type image/* or application/octet-stream) or choose ?sample=k' });
      const m = await model(req.params.id, reply);
      if (!m) return reply;
      const r = await thread.run({ dir: m.dir, image, sample: image ? undefined : req.query.sample });
      if (!r.ok) return reply.code(r.status).send({ error: r.status === 500 ? 'internal' : 'bad_request', message: r.message });
      return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(encodeExplanation(m.id, r.model, r.explanation));
    });
    scope.get<IdReq>('/api/runs/:id/samples', { config: DATA, schema: { ...hide, params: idParams } }, async (req, reply) => {
      if (!(await opts.source.has(req.params.id))) return reply.code(404).send({ error: 'not_found', message: `no run ${req.params.id}` });
      const finished = (await opts.source.read(req.params.id, '0')).map((e) => e.event).find((e) => e.type === 'run-finished');
      const m = finished?.type === 'run-finished' && finished.modelDir ? await modelAt(opts.modelsRoot, finished.modelDir) : null;
      const s = m ? await loadSamples(m.dir) : null;
      // A run without samples is no error (the page asks every finished run): 200 with model null.
      if (!m || !s) return { model: null, message: `run ${req.params.id} has no saved samples${finished ? ' inside the models directory' : ' yet'}` };
      return { model: m.id, ...s.index };
    });
  });
}
