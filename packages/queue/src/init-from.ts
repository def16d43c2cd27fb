/**
 * A job's starting model, payload field `initFrom` (fine-tuning a Keras or
 * tensorpool model on the cluster). Two forms:
 *
 *   sha256:<64 hex>     a model in the model store (model-store.ts), put there
 *                       by `tensorpool enqueue --init-from FILE` (the CLI reads
 *                       the file on its own machine)
 *   path/to/model.h5    a Keras .h5/.hdf5 or .keras file INSIDE the data root
 *                       (TENSORPOOL_DATA_ROOT), checked like `data` paths; read
 *                       by the enqueueing process (HTTP: the API), bounded in
 *                       size and parameters, and put in the model store
 *                       (within its byte budget: StoreFullError otherwise)
 *
 * Either way the job records the id only; its spec is the file's, and its
 * normalization the file's when the file has tensorpool metadata (else the
 * payload's). The weights never enter the payload.
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Redis } from 'ioredis';
import { JobError, limits } from '@tensorpool/core';
import { initialWeights, loadModel, weightManifest, type ModelSpec } from '@tensorpool/engine';
import { StoreFullError } from '@tensorpool/datasets';
import { confineDataPath } from './data-ref.js';
import type { Keys } from './keys.js';
import { getModelInfo, getModelWeights, MODEL_ID_RE, putModel, touchModel } from './model-store.js';
import type { JobOptions } from './schema.js';

const FILE_EXTENSIONS = ['.h5', '.hdf5', '.keras'];
/** Beyond 4 bytes per allowed parameter: configs, HDF5 and zip headers. */
const FILE_SLACK_BYTES = 16 * 1024 ** 2;
const REFUSED = 'initFrom: not a model id (sha256:<64 hex>) or a readable Keras .h5/.keras file inside the data root';

/** Most bytes a model file read for a job may have (TENSORPOOL_MAX_PARAMS float32 weights plus headers). */
export const maxModelFileBytes = (): number => limits().params * 4 + FILE_SLACK_BYTES;

/**
 * Reads a model file and stores it; returns the id. `path` is trusted by the
 * caller (confined already, or the CLI's own file); the file is bounded
 * anyway. Errors name `shown` instead of the real path.
 */
export async function storeModelFile(redis: Redis, keys: Keys, path: string, opts: { shown?: string; budgetBytes?: number } = {}): Promise<{ id: string; spec: ModelSpec; normalization?: unknown }> {
  const shown = opts.shown ?? path;
  const st = await stat(path).catch(() => null);
  if (st?.isFile() && st.size > maxModelFileBytes()) throw new JobError(`initFrom: ${shown} has ${st.size} bytes, more than the ${maxModelFileBytes()} a model within TENSORPOOL_MAX_PARAMS needs`);
  let saved;
  try {
    saved = await loadModel(path, { maxParams: limits().params });
  } catch (e) {
    const msg = (e as Error).message.split(path).join(shown);
    throw new JobError(`initFrom: ${msg.startsWith(shown) ? '' : `${shown}: `}${msg}`, { cause: e });
  }
  const normalization = saved.metadata.normalization;
  const id = await putModel(redis, keys, { spec: saved.spec, weights: saved.weights, normalization }, { budgetBytes: opts.budgetBytes });
  return { id, spec: saved.spec, ...(normalization !== undefined ? { normalization } : {}) };
}

/**
 * The payload with `initFrom` resolved to a stored model id and the model's
 * spec (and normalization) filled in; payloads without `initFrom` unchanged.
 * Refuses `initFrom` together with `preset` or `spec`.
 */
export async function resolveInitFrom(payload: unknown, redis: Redis, keys: Keys, root: string | undefined, budgetBytes?: number): Promise<unknown> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || !Object.hasOwn(payload, 'initFrom')) return payload;
  const p = payload as Record<string, unknown>;
  const ref = p.initFrom;
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > limits().pathLength) return payload; // the schema names the field
  if (p.preset !== undefined || p.spec !== undefined) throw new JobError("invalid job: give either 'initFrom' or 'preset'/'spec': the model file gives the architecture");
  let id: string;
  if (ref.startsWith('sha256:')) {
    if (!MODEL_ID_RE.test(ref)) throw new JobError('invalid job: initFrom: a model id must be sha256: followed by 64 lowercase hex digits');
    id = ref;
  } else {
    if (!FILE_EXTENSIONS.includes(extname(ref).toLowerCase())) throw new JobError(`invalid job: ${REFUSED}`);
    let real: string;
    try {
      real = await confineDataPath(ref, root);
    } catch {
      throw new JobError(`invalid job: ${REFUSED}`);
    }
    if (!(await stat(real)).isFile()) throw new JobError(`invalid job: ${REFUSED}`);
    id = (await storeModelFile(redis, keys, real, { shown: ref, budgetBytes }).catch((e: Error) => {
      if (e instanceof StoreFullError) throw e; // the service's capacity, not the payload: HTTP 507
      throw new JobError(`invalid job: ${e.message}`, { cause: e });
    })).id;
  }
  const model = await getModelInfo(redis, keys, id).catch((e: Error) => {
    throw new JobError(`invalid job: ${e.message}`, { cause: e });
  });
  await touchModel(redis, keys, id); // the job may wait in the queue: the model lives another TTL from now
  return { ...p, initFrom: id, spec: model.spec, ...(model.normalization !== undefined ? { normalization: model.normalization } : {}) };
}

/** The job's epoch-0 weights: its stored starting model's (verified, same weight shapes as the job's spec), else seeded. */
export async function startWeights(redis: Redis, keys: Keys, o: JobOptions): Promise<Float32Array> {
  if (o.initFrom === undefined) return initialWeights(o.spec, o.seed);
  const m = await getModelWeights(redis, keys, o.initFrom);
  const shapes = (s: JobOptions['spec']) => weightManifest(s).entries.map((e) => e.shape.join('x')).join();
  if (shapes(m.spec) !== shapes(o.spec)) throw new JobError(`initFrom: model ${o.initFrom} has weights [${shapes(m.spec)}], the job's model [${shapes(o.spec)}]`);
  return m.weights;
}
