/**
 * Job routes. Payloads are validated by the queue's zod schema (the same as
 * the CLI's), so errors name the bad field; the JSON schemas here document
 * the routes in OpenAPI.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyReply } from 'fastify';
import { isTensorpoolError } from '@tensorpool/core';
import { isJobId, type QueueClient } from '@tensorpool/queue';
import { StoreFullError } from '@tensorpool/datasets';

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const corruptBody = { ...errorBody, description: "error 'corrupt_record': the job's record or metrics in Redis failed validation; the message names the job and field (any other 500 is error 'internal')" } as const;
const idParam = { type: 'object', properties: { id: { type: 'string', description: 'job id from POST /jobs' } }, required: ['id'] } as const;
const statusBody = { type: 'object', additionalProperties: true, description: 'state queued|running|completed|failed|cancelled, epoch k of epochs, progress 0..1, shardProgress [{shard, step, steps}] (steps each shard has done of the running epoch), epochMetrics (with rounds: spread between shards), syncEvery, round, currentRounds, outer {kind, lr, momentum}, batchSize and shardBatchSize (samples per shard step), workers' } as const;

const jobPayloadDoc = {
  type: 'object',
  required: ['data', 'epochs'],
  properties: {
    preset: { type: 'string', description: "model preset, e.g. 'fashion-mnist' or 'seed' (or give spec)" },
    spec: { type: 'object', description: 'model spec (instead of preset)' },
    initFrom: { type: 'string', description: "start from a model (instead of preset/spec): a Keras .h5/.keras file inside the service's data root (TENSORPOOL_DATA_ROOT; read by the service, at most TENSORPOOL_MAX_PARAMS parameters), or the id 'sha256:<64 hex>' of a model `tensorpool enqueue --init-from` stored. Its architecture and weights, and its normalization and labels when it has tensorpool metadata" },
    data: { type: 'string', description: "dataset ref: 'fashion-mnist', a dataset id 'sha256:<64 hex>' or name from the dataset store (PUT /datasets/:name; a name is pinned to its id at enqueue), or a path inside the service's data root (TENSORPOOL_DATA_ROOT)" },
    epochs: { type: 'integer', minimum: 1 },
    shards: { type: 'integer', minimum: 1, default: 2 },
    batchSize: { type: 'integer', minimum: 1, default: 32, description: 'global batch: split over the shards, each shard steps on max(1, round(batchSize / shards)) samples' },
    shardBatchSize: { type: 'integer', minimum: 1, description: 'samples per shard step instead of the split batchSize (e.g. equal to batchSize: every shard steps on a whole batch)' },
    seed: { type: 'integer', minimum: 0 },
    learningRate: { type: 'number' },
    augment: { type: 'string', enum: ['none', 'online', 'offline'] },
    normalization: { description: "'div256', 'div255', 'mean-std' (measured on the training split when the job starts), or { mean: number[], std: number[] } per channel" },
    validationSplit: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'fraction of the training split held out for validation (seeded, stratified; never the test split)' },
    optimizer: { type: 'string', enum: ['average', 'per-shard', 'reset'], description: 'Adam state between rounds (default per-shard, average from 8 shards on; see packages/queue/README.md)' },
    syncEvery: { type: 'integer', minimum: 1, maximum: 64, description: 'rounds (averages) per epoch' },
    outer: { type: 'string', enum: ['average', 'momentum', 'nesterov'], description: 'outer optimizer on the averaged shard update' },
    outerLr: { type: 'number', exclusiveMinimum: 0, maximum: 2 },
    outerMomentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
    limit: { type: 'integer', minimum: 1 },
    testLimit: { type: 'integer', minimum: 1 },
    name: { type: 'string' },
  },
} as const;

async function exists(client: QueueClient, id: string): Promise<boolean> {
  return (await client.redis.exists(client.keys.job(id))) === 1;
}

const notFound = (id: string) => ({ error: 'not_found', message: `no job '${id}'` });

/** Answers 400 (without touching Redis) unless `id` is a job id; true when it answered. */
function refuseBadId(id: string, reply: FastifyReply): boolean {
  if (isJobId(id)) return false;
  void reply.code(400).send({ error: 'bad_request', message: "id: not a job id (expected 'j' and 16 hex digits)" });
  return true;
}

export function jobRoutes(app: FastifyInstance, client: QueueClient): void {
  const security = [{ bearer: [] }];
  app.post('/jobs', {
    schema: { summary: 'Queue a training job', tags: ['jobs'], security, body: jobPayloadDoc, response: { 201: { type: 'object', properties: { jobId: { type: 'string' }, shardBatchSize: { type: 'integer', description: 'samples each shard steps on' }, warning: { type: 'string', description: 'present when batchSize does not split evenly over the shards: what the shards step on instead' } } }, 400: errorBody, 401: errorBody, 429: errorBody, 507: { ...errorBody, description: "error 'store_full': initFrom names a model file and the model store (TENSORPOOL_MODEL_STORE_BYTES) has no room for it" } } },
    // One validator (zod, in @tensorpool/queue) for CLI and API; its messages name the field.
    validatorCompiler: () => () => true,
  }, async (req, reply) => {
    try {
      // HTTP callers are remote: `out` is refused, data paths are confined to the data root.
      const r = await client.enqueue(req.body, { origin: 'remote' });
      return reply.code(201).send(r);
    } catch (e) {
      if (e instanceof StoreFullError) return reply.code(507).send({ error: 'store_full', message: e.message });
      if (isTensorpoolError(e) && e.code === 'E_BUSY') return reply.code(429).header('retry-after', '30').send({ error: 'busy', message: (e as Error).message });
      if (isTensorpoolError(e)) return reply.code(400).send({ error: 'invalid_job', message: (e as Error).message });
      throw e;
    }
  });

  app.get('/jobs', {
    schema: { summary: 'List jobs, newest first', tags: ['jobs'], security, querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } }, response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: statusBody, description: "a job whose record is corrupt is a row {id, state: 'corrupt', code: 'E_CORRUPT', error} (the list does not fail)" } } }, 401: errorBody } },
  }, async (req) => ({ jobs: await client.list((req.query as { limit?: number }).limit ?? 100) }));

  app.get('/jobs/:id', {
    schema: { summary: 'Status of a job', tags: ['jobs'], security, params: idParam, response: { 200: statusBody, 401: errorBody, 404: errorBody, 500: corruptBody } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (refuseBadId(id, reply)) return reply;
    if (!(await exists(client, id))) return reply.code(404).send(notFound(id));
    return client.status(id);
  });

  app.get('/jobs/:id/metrics', {
    schema: { summary: 'Test metrics of a completed job', tags: ['jobs'], security, params: idParam, response: { 200: { type: 'object', additionalProperties: true }, 401: errorBody, 404: errorBody, 409: errorBody, 500: corruptBody } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (refuseBadId(id, reply)) return reply;
    if (!(await exists(client, id))) return reply.code(404).send(notFound(id));
    try {
      return await client.metrics(id);
    } catch (e) {
      // A corrupt record or metrics value is not "not completed": the error handler answers it (500 corrupt_record).
      if (isTensorpoolError(e) && e.code !== 'E_CORRUPT') return reply.code(409).send({ error: 'not_completed', message: (e as Error).message });
      throw e;
    }
  });

  app.delete('/jobs/:id', {
    schema: { summary: 'Cancel a job', tags: ['jobs'], security, params: idParam, response: { 200: { type: 'object', properties: { jobId: { type: 'string' }, cancelled: { type: 'boolean' }, state: { type: 'string' } } }, 401: errorBody, 404: errorBody, 500: corruptBody } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (refuseBadId(id, reply)) return reply;
    if (!(await exists(client, id))) return reply.code(404).send(notFound(id));
    return { jobId: id, ...(await client.cancel(id)) };
  });
}
