/**
 * Initial models of distributed jobs (`enqueue --init-from m.h5`, payload
 * `initFrom`): spec, normalization and flat float32 weights, content-addressed
 * in Redis next to the jobs, so a job payload carries only the id. The
 * weights move in chunks like the dataset store's (same chunking and hashes,
 * DEFAULTS.datasetChunkBytes):
 *
 *   keys.model(hex)          manifest JSON {format, id, bytes, chunkSize, chunks[sha256 hex], spec, normalization?}
 *   keys.modelChunk(hex, i)  bytes [i * chunkSize, ...) of the weight blob (core encodeWeights: header + float32 LE)
 *
 * id = sha256 over JSON {spec, normalization} + '\n' + the weight blob, so
 * one id is one architecture with one set of weights. Chunks are written
 * first, the manifest last (a manifest means complete); every key carries a
 * TTL (DEFAULTS.initModelTtlSeconds), renewed by each enqueue naming the id.
 * The live models' bytes (blob + manifest) are bounded by a budget
 * (TENSORPOOL_MODEL_STORE_BYTES, default DEFAULTS.modelStoreBytes): a model
 * is recorded in keys.models / keys.modelBytes before its chunks are written
 * (lua/reserve-model-2.lua, atomic, forgetting expired models first), and a
 * new model that does not fit is refused (StoreFullError, nothing written).
 * The coordinator copies the weights into the job's epoch-0 weights when the
 * job starts. Read back, everything is untrusted: manifest parsed with zod,
 * spec validated, each chunk's length and hash and the whole id checked.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { decodeWeights, DEFAULTS, encodeWeights, JobError, limits, luaScript, UsageError } from '@tensorpool/core';
import { paramCount, validateSpec, type ModelSpec } from '@tensorpool/engine';
import { chunkCount, chunkLength, digest, formatBytes, parseBytes, sha256Hex, StoreFullError } from '@tensorpool/datasets';
import type { Keys } from './keys.js';

export const MODEL_ID_RE = /^sha256:[0-9a-f]{64}$/;
/** Bytes of the weight blob's header (core encodeWeights). */
const BLOB_HEADER = 16;
const MAX_MANIFEST_CHARS = 1 << 20;

const ManifestSchema = z.object({
  format: z.literal('tpmodel/1'),
  id: z.string().regex(MODEL_ID_RE),
  bytes: z.number().int().positive(),
  chunkSize: z.number().int().min(1024).max(256 * 1024 * 1024),
  chunks: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  spec: z.unknown(),
  normalization: z.unknown().optional(),
}).strict();

export interface StoredModel {
  id: string;
  spec: ModelSpec;
  /** The file's normalization (tensorpool metadata), when it had one. */
  normalization?: unknown;
}

type Manifest = z.infer<typeof ManifestSchema>;

const hexOf = (id: string): string => {
  if (!MODEL_ID_RE.test(id)) throw new JobError(`initFrom: a model id must be sha256: followed by 64 lowercase hex digits`);
  return id.slice(7);
};
const headerOf = (spec: unknown, normalization: unknown) => Buffer.from(`${JSON.stringify({ spec, normalization })}\n`);

const RESERVE = luaScript(new URL('../lua/reserve-model-2.lua', import.meta.url));
export const MODEL_STORE_BYTES_ENV = 'TENSORPOOL_MODEL_STORE_BYTES';

/** The model store's byte budget: `given`, else TENSORPOOL_MODEL_STORE_BYTES (e.g. 2GiB), else DEFAULTS.modelStoreBytes. */
export function modelStoreBudget(given?: number, env = process.env[MODEL_STORE_BYTES_ENV]): number {
  const v = given ?? (env !== undefined && env.trim() !== '' ? parseBytes(env, MODEL_STORE_BYTES_ENV) : DEFAULTS.modelStoreBytes);
  if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`model store budget (${MODEL_STORE_BYTES_ENV}) must be a non-negative integer of bytes, got ${v}`);
  return v;
}

export interface PutModelOptions {
  /** Total bytes the store may hold (default modelStoreBudget()). */
  budgetBytes?: number;
  chunkSize?: number;
}

/**
 * Stores a model (idempotent: an id already there only has its TTL renewed);
 * returns its id. StoreFullError naming the budget when the new model would
 * take the live models over it.
 */
export async function putModel(redis: Redis, keys: Keys, m: { spec: ModelSpec; weights: Float32Array; normalization?: unknown }, opts: PutModelOptions = {}): Promise<string> {
  const chunkSize = opts.chunkSize ?? DEFAULTS.datasetChunkBytes;
  const budget = opts.budgetBytes ?? modelStoreBudget();
  const blob = encodeWeights(m.weights);
  const id = `sha256:${createHash('sha256').update(headerOf(m.spec, m.normalization)).update(blob).digest('hex')}`;
  const hex = hexOf(id);
  if (await touchModel(redis, keys, id)) return id;
  const ttl = DEFAULTS.initModelTtlSeconds;
  const { chunks } = digest([blob], chunkSize);
  const manifest: Manifest = { format: 'tpmodel/1', id, bytes: blob.length, chunkSize, chunks, spec: m.spec, ...(m.normalization !== undefined ? { normalization: m.normalization } : {}) };
  const text = JSON.stringify(manifest);
  const bytes = blob.length + text.length;
  const [ok, used] = (await RESERVE(redis, [keys.models, keys.modelBytes], [hex, String(bytes), String(budget), String(ttl * 1000), 'put'])) as [number, number];
  if (ok !== 1) {
    throw new StoreFullError(`model store is full: model ${id} needs ${formatBytes(bytes)}, ${formatBytes(Math.max(0, budget - used))} of the ${formatBytes(budget)} budget is free (${MODEL_STORE_BYTES_ENV}; a model leaves ${ttl / 86_400} days after the last job naming it)`);
  }
  try {
    for (let i = 0; i < chunks.length; i++) {
      await redis.set(keys.modelChunk(hex, i), blob.subarray(i * chunkSize, i * chunkSize + chunkLength(blob.length, chunkSize, i)), 'EX', ttl);
    }
    await redis.set(keys.model(hex), text, 'EX', ttl);
  } catch (e) {
    // Give the reservation back (best effort: otherwise it lapses with the TTL).
    await redis.multi().zrem(keys.models, hex).hdel(keys.modelBytes, hex).exec().catch(() => undefined);
    throw e;
  }
  return id;
}

/** Renews the TTL of a stored model's keys and its place in the budget; false when its manifest is gone. */
export async function touchModel(redis: Redis, keys: Keys, id: string): Promise<boolean> {
  const hex = hexOf(id);
  const text = await redis.get(keys.model(hex));
  if (text === null) return false;
  const m = parseManifest(text, id);
  const ttl = DEFAULTS.initModelTtlSeconds;
  const tx = redis.multi().expire(keys.model(hex), ttl);
  m.chunks.forEach((_, i) => tx.expire(keys.modelChunk(hex, i), ttl));
  await tx.exec();
  // 'renew' never refuses: the model is already stored (also one stored before the budget existed).
  await RESERVE(redis, [keys.models, keys.modelBytes], [hex, String(m.bytes + text.length), '0', String(ttl * 1000), 'renew']);
  return true;
}

function parseManifest(text: string, id: string): Manifest & { spec: ModelSpec } {
  const bad = (why: string) => new JobError(`initFrom: stored model ${id} is invalid: ${why}`);
  if (text.length > MAX_MANIFEST_CHARS) throw bad(`manifest of ${text.length} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad('manifest is not JSON');
  }
  const r = ManifestSchema.safeParse(raw);
  if (!r.success) throw bad(`${r.error.issues[0].path.join('.') || '(root)'}: ${r.error.issues[0].message}`);
  const m = r.data;
  if (m.id !== id) throw bad(`manifest names ${m.id}`);
  let spec: ModelSpec;
  try {
    spec = validateSpec(m.spec);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const params = paramCount(spec);
  if (params > limits().params) throw bad(`spec has ${params} parameters, more than the limit ${limits().params}`);
  if (m.bytes !== BLOB_HEADER + 4 * params) throw bad(`${m.bytes} bytes for ${params} parameters`);
  if (m.chunks.length !== chunkCount(m.bytes, m.chunkSize)) throw bad(`${m.chunks.length} chunks for ${m.bytes} bytes in chunks of ${m.chunkSize}`);
  return { ...m, spec: m.spec as ModelSpec };
}

/** A stored model's spec and normalization (no weights); JobError when it is not there. */
export async function getModelInfo(redis: Redis, keys: Keys, id: string): Promise<StoredModel> {
  const text = await redis.get(keys.model(hexOf(id)));
  if (text === null) throw new JobError(`initFrom: model ${id} is not in the model store (enqueue it again with --init-from <file>)`);
  const m = parseManifest(text, id);
  return { id, spec: m.spec, ...(m.normalization !== undefined ? { normalization: m.normalization } : {}) };
}

/** A stored model's weights, every chunk and the whole id verified; JobError when missing or corrupt. */
export async function getModelWeights(redis: Redis, keys: Keys, id: string): Promise<StoredModel & { weights: Float32Array }> {
  const hex = hexOf(id);
  const text = await redis.get(keys.model(hex));
  if (text === null) throw new JobError(`initFrom: model ${id} is not in the model store (expired or deleted)`);
  const m = parseManifest(text, id);
  const blob = Buffer.alloc(m.bytes);
  for (let i = 0; i < m.chunks.length; i++) {
    const c = await redis.getBuffer(keys.modelChunk(hex, i));
    if (!c) throw new JobError(`initFrom: chunk ${i} of model ${id} is missing`);
    if (c.length !== chunkLength(m.bytes, m.chunkSize, i) || sha256Hex(c) !== m.chunks[i]) throw new JobError(`initFrom: chunk ${i} of model ${id} does not match its hash`);
    blob.set(c, i * m.chunkSize);
  }
  const whole = `sha256:${createHash('sha256').update(headerOf(m.spec, m.normalization)).update(blob).digest('hex')}`;
  if (whole !== id) throw new JobError(`initFrom: model ${id} does not match its id`);
  const weights = decodeWeights(blob, { expected: paramCount(m.spec), what: `weights of model ${id}` });
  return { id, spec: m.spec, weights, ...(m.normalization !== undefined ? { normalization: m.normalization } : {}) };
}
