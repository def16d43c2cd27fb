/**
 * The training-job payload, validated at the boundary (CLI enqueue, HTTP
 * POST /jobs) and again when read back from Redis. Errors name the bad
 * field: "epochs: must be <= 1000, got 9007199254740991". Every number is
 * bounded by the service's limits (DEFAULTS.limits, env overrides: limits()).
 * The payload carries references only (preset or spec, dataset ref), never
 * the dataset or weights.
 */
import { z } from 'zod';
import { DEFAULTS, JobError, limits as currentLimits, type Limits } from '@tensorpool/core';
import { estimateActivationBytes, getPreset, paramCount, validateSpec, type ModelSpec } from '@tensorpool/engine';
import { classifyDataRef } from './data-ref.js';
import { MODEL_ID_RE } from './model-store.js';
import { checkPayloadShape, checkSpecSize, printable } from './payload-shape.js';

/**
 * What happens to Adam's moments (m, v) between epochs, when each shard
 * trains one local epoch from the averaged weights:
 * - 'average': m and v are averaged like the weights (sample-weighted) and
 *   every shard starts the next epoch from them; the step count continues.
 * - 'per-shard': shard k keeps its own m, v (and step) across epochs; the
 *   default below 8 shards (DEFAULTS.optimizerPolicy): lowest final training
 *   loss and best mean test accuracy of the three in our measurement; from 8
 *   shards on 'average' (optimizerFor; packages/queue/README.md).
 * - 'reset': every epoch starts with zero moments and step 0.
 * What worker and coordinator do for each: optimizer-policy.ts.
 */
export const OPTIMIZER_POLICIES = ['average', 'per-shard', 'reset'] as const;
export type OptimizerPolicy = (typeof OPTIMIZER_POLICIES)[number];

/**
 * What the coordinator does with the sample-weighted average of a round's
 * shard weights W̄ (pseudo-gradient Δ = W - W̄, W the round's start weights):
 * - 'average': W ← W̄ (FedAvg; exactly the pre-rounds behaviour).
 * - 'momentum': u ← μu + Δ, W ← W - lr·u (FedAvgM, server momentum).
 * - 'nesterov': u ← μu + Δ, W ← W - lr·(Δ + μu) (DiLoCo's outer step).
 * u (zero at the start) is stored per round in Redis next to the weights.
 */
export const OUTER_OPTIMIZERS = ['average', 'momentum', 'nesterov'] as const;
export type OuterOptimizer = (typeof OUTER_OPTIMIZERS)[number];

/** Most rounds per epoch a job may ask for (syncEvery). */
export const MAX_SYNC_EVERY = 64;

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const need = (what: string) => (i: { input: unknown }) => (i.input === undefined ? 'is required' : `must be ${what}, got ${typeName(i.input)}`);

const int = (min: number, max: number) =>
  z.number({ error: need('a number') })
    .int({ error: (i) => `must be an integer, got ${String(i.input)}` })
    .min(min, { error: (i) => `must be >= ${min}, got ${String(i.input)}` })
    .max(max, { error: (i) => `must be <= ${max}, got ${String(i.input)}` });

// eslint-disable-next-line no-control-regex
const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
const text = (max: number) =>
  z.string({ error: need('a string') }).min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine(noControl, 'must not contain control characters');

const dataRef = (max: number) =>
  z.string({ error: (i) => (i.input === undefined ? 'is required (a dataset name such as fashion-mnist, a dataset id sha256:<64 hex>, or a path inside the data root)' : `must be a string, got ${typeName(i.input)}`) })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      try {
        classifyDataRef(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^data: /, '') });
      }
    });

const finite = z.number({ error: need('a number') });

/** The payload schema under the given limits (the ones in effect by default). */
export function jobPayloadSchema(l: Limits = currentLimits()) {
  return z
    .object({
      preset: text(l.nameLength).optional(),
      spec: z.unknown().optional(),
      /** The starting model: a model-store id (init-from.ts resolves a file path to one before this schema sees it). */
      initFrom: z.string({ error: need('a string') }).regex(MODEL_ID_RE, 'must be a model id sha256:<64 hex> or a Keras .h5/.keras file inside the data root').optional(),
      data: dataRef(l.pathLength),
      epochs: int(1, l.epochs),
      shards: int(1, l.shards).default(DEFAULTS.shards),
      /** The global batch: one round of S shard steps sees about batchSize samples, as one local step does. */
      batchSize: int(1, l.batchSize).default(DEFAULTS.batchSize),
      /** Samples per shard step; default shardBatchFor(batchSize, shards). Give it to choose (e.g. = batchSize: each shard steps on a whole global batch). */
      shardBatchSize: int(1, l.batchSize).optional(),
      seed: int(0, Number.MAX_SAFE_INTEGER).default(DEFAULTS.seed),
      learningRate: finite
        .gt(0, { error: (i) => `must be > 0, got ${String(i.input)}` })
        .max(l.learningRate, { error: (i) => `must be <= ${l.learningRate}, got ${String(i.input)}` })
        .default(DEFAULTS.learningRate),
      /** 'offline': each sample trained on expanded 18x on the worker, once per job (offline-expansion.ts). */
      augment: z.enum(['none', 'online', 'offline']).default(DEFAULTS.augment),
      /** Fraction of the training split held out for validation (seeded, stratified; never the test split). */
      validationSplit: finite
        .min(0, { error: (i) => `must be in [0, 1), got ${String(i.input)}` })
        .lt(1, { error: (i) => `must be in [0, 1), got ${String(i.input)}` })
        .default(DEFAULTS.validationSplit),
      /** 'mean-std' is measured on the training split when the job starts and stored as { mean, std }. */
      normalization: z.union([
        z.enum(['div256', 'div255', 'mean-std']),
        z.strictObject({ mean: z.array(finite).min(1).max(4), std: z.array(finite.gt(0, 'must be > 0')).min(1).max(4) }),
      ]).default(DEFAULTS.normalization),
      // The default depends on the shard count (optimizerFor).
      optimizer: z.enum(OPTIMIZER_POLICIES).optional(),
      /** Rounds per epoch R: shards average every 1/R of their epoch (one BullMQ flow per round). */
      // The default depends on the shard count (syncDefaults).
      syncEvery: int(1, MAX_SYNC_EVERY).optional(),
      outer: z.enum(OUTER_OPTIMIZERS).default(DEFAULTS.outer),
      outerLr: finite
        .gt(0, { error: (i) => `must be > 0, got ${String(i.input)}` })
        .max(2, { error: (i) => `must be <= 2, got ${String(i.input)}` })
        .default(DEFAULTS.outerLr),
      outerMomentum: finite
        .min(0, { error: (i) => `must be >= 0, got ${String(i.input)}` })
        .lt(1, { error: (i) => `must be < 1, got ${String(i.input)}` })
        .default(DEFAULTS.outerMomentum),
      /** Keep only the first N training / test samples (small runs and tests). */
      limit: int(1, l.samples).optional(),
      testLimit: int(1, l.samples).optional(),
      /** Directory inside the models dir the final model is saved to (local CLI callers only; default <models dir>/<jobId>). */
      out: text(l.pathLength).optional(),
      name: text(l.nameLength).optional(),
    }, { error: (i) => (i.input === undefined ? 'a job payload is required' : `job payload must be a JSON object, got ${typeName(i.input)}`) })
    .strict();
}

export type JobPayloadInput = z.input<ReturnType<typeof jobPayloadSchema>>;

/** A validated job: the payload with defaults applied and the model spec resolved. */
export interface JobOptions extends Omit<z.output<ReturnType<typeof jobPayloadSchema>>, 'spec' | 'preset' | 'syncEvery' | 'shardBatchSize' | 'optimizer'> {
  optimizer: OptimizerPolicy;
  preset?: string;
  spec: ModelSpec;
  syncEvery: number;
  /** Samples per step on each shard (resolved: the payload's, else shardBatchFor). */
  shardBatchSize: number;
}

/**
 * Per-shard batch when the job gives none: the global batch split over the
 * shards, max(1, round(batchSize / shards)), so S shards stepping together
 * see about the batch one local step sees (measured: at 4 and 8 shards this
 * closes most of the gap to local training, packages/queue/README.md). When
 * the split is not exact the effective global batch is shards × this
 * (client.enqueue warns).
 */
export function shardBatchFor(batchSize: number, shards: number): number {
  return Math.max(1, Math.round(batchSize / shards));
}

/**
 * Rounds per epoch and outer optimizer when the job gives none (measured,
 * packages/queue/README.md): DEFAULTS.outer always; from
 * DEFAULTS.syncFromShards shards on DEFAULTS.syncEvery rounds per epoch
 * (−3.2 → −1.1 points at 4 shards), below one (at 2 shards Nesterov once per
 * epoch already matches local training, with a quarter of the traffic).
 */
export function syncDefaults(shards: number): { syncEvery: number; outer: OuterOptimizer } {
  return { syncEvery: shards >= DEFAULTS.syncFromShards ? DEFAULTS.syncEvery : 1, outer: DEFAULTS.outer };
}

/**
 * Adam-state policy when the job gives none: DEFAULTS.optimizerPolicy
 * ('per-shard'), and from DEFAULTS.averageAdamFromShards (8) shards on
 * 'average' (measured at 8 shards with the split batch and 4 Nesterov rounds:
 * seed 7 −1.8/−2.5 → −0.5/−1.1 points, packages/queue/README.md).
 */
export function optimizerFor(shards: number): OptimizerPolicy {
  return shards >= DEFAULTS.averageAdamFromShards ? 'average' : DEFAULTS.optimizerPolicy;
}

/**
 * The one line a caller sees when the default split is not exact (batchSize
 * not a multiple of shards): what the shards will step on instead.
 */
export function inexactSplitWarning(o: Pick<JobOptions, 'batchSize' | 'shards' | 'shardBatchSize'>): string | undefined {
  const seen = o.shards * o.shardBatchSize;
  if (seen === o.batchSize) return undefined;
  return `batchSize ${o.batchSize} does not split evenly over ${o.shards} shards: each shard steps on ${o.shardBatchSize} samples, ${seen} per step in all (give a batchSize that is a multiple of shards, or shardBatchSize)`;
}

export function formatIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.map(String).join('.') : 'payload';
  if (issue.code === 'unrecognized_keys') return `${issue.path.length ? `${field}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${printable(k, 40)}'`).slice(0, 5).join(', ')}`;
  return `${field}: ${issue.message}`;
}

const GB = 1024 ** 3;

/** Resolves preset/spec and applies the limits that need the network: parameters and activation memory. */
function resolveSpec(preset: string | undefined, rawSpec: unknown, batchSize: number, l: Limits, batchField: string): ModelSpec {
  if (preset === undefined && rawSpec === undefined) throw new JobError("invalid job: preset: is required (or give a model 'spec')");
  if (preset !== undefined && rawSpec !== undefined) throw new JobError("invalid job: give either 'preset' or 'spec', not both");
  const field = preset !== undefined ? 'preset' : 'spec';
  let spec: ModelSpec;
  try {
    if (rawSpec !== undefined) checkSpecSize(rawSpec, l);
    spec = preset !== undefined ? getPreset(preset) : validateSpec(rawSpec);
  } catch (e) {
    throw new JobError(`invalid job: ${(e as Error).message.startsWith('spec.') ? '' : `${field}: `}${(e as Error).message}`, { cause: e });
  }
  const params = paramCount(spec);
  if (params > l.params) throw new JobError(`invalid job: ${field}: must have <= ${l.params} parameters, got ${params}`);
  const bytes = estimateActivationBytes(spec, batchSize);
  if (bytes > l.activationBytes) {
    throw new JobError(`invalid job: ${field}: activations of one batch of ${batchSize} need about ${(bytes / GB).toFixed(2)} GB, must be <= ${(l.activationBytes / GB).toFixed(2)} GB (lower ${batchField} or shrink the model)`);
  }
  return spec;
}

/** Validates a job payload; throws JobError naming every bad field, in one line of bounded length. */
export function parseJobPayload(input: unknown, l: Limits = currentLimits()): JobOptions {
  try {
    return parse(input, l);
  } catch (e) {
    if (!(e instanceof JobError)) throw e;
    throw new JobError(printable(e.message, 600), { cause: e });
  }
}

function parse(input: unknown, l: Limits): JobOptions {
  checkPayloadShape(input, l);
  const r = jobPayloadSchema(l).safeParse(input);
  if (!r.success) {
    throw new JobError(`invalid job: ${r.error.issues.slice(0, 8).map(formatIssue).join('; ')}`);
  }
  const { preset, spec: rawSpec, ...rest } = r.data;
  const shardBatchSize = rest.shardBatchSize ?? shardBatchFor(rest.batchSize, rest.shards);
  // Workers (and the evaluator) allocate activations for one shard batch, never the global one.
  const spec = resolveSpec(preset, rawSpec, shardBatchSize, l, rest.shardBatchSize !== undefined ? 'shardBatchSize' : 'batchSize');
  const norm = rest.normalization;
  if (typeof norm === 'object') {
    const c = spec.inputShape[2];
    for (const k of ['mean', 'std'] as const) {
      if (norm[k].length !== c) throw new JobError(`invalid job: normalization.${k}: must have ${c} entries (one per channel), got ${norm[k].length}`);
    }
  }
  const sync = syncDefaults(rest.shards);
  return { ...rest, syncEvery: rest.syncEvery ?? sync.syncEvery, optimizer: rest.optimizer ?? optimizerFor(rest.shards), shardBatchSize, ...(preset !== undefined ? { preset } : {}), spec };
}
