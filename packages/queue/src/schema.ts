/**
 * The training-job payload, validated at the boundary (CLI enqueue, HTTP
 * POST /jobs). Errors name the bad field: "epochs: must be >= 1, got -2".
 * The payload carries references only (preset or spec, dataset ref), never
 * the dataset or weights.
 */
import { z } from 'zod';
import { DEFAULTS, JobError } from '@tensorpool/core';
import { getPreset, validateSpec, type ModelSpec } from '@tensorpool/engine';

/**
 * What happens to Adam's moments (m, v) between epochs, when each shard
 * trains one local epoch from the averaged weights:
 * - 'average': m and v are averaged like the weights (sample-weighted) and
 *   every shard starts the next epoch from them; the step count continues.
 * - 'per-shard': shard k keeps its own m, v (and step) across epochs; the
 *   default (DEFAULTS.optimizerPolicy): lowest final training loss and best
 *   mean test accuracy of the three in our measurement (packages/queue/README.md).
 * - 'reset': every epoch starts with zero moments and step 0.
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

const int = (min: number) => z.number({ error: (i) => (i.input === undefined ? 'is required' : `must be a number, got ${typeName(i.input)}`) }).int({ error: (i) => `must be an integer, got ${String(i.input)}` }).min(min, { error: (i) => `must be >= ${min}, got ${String(i.input)}` });

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export const jobPayloadSchema = z
  .object({
    preset: z.string().min(1).optional(),
    spec: z.unknown().optional(),
    data: z.string({ error: (i) => (i.input === undefined ? 'is required (a dataset name such as fashion-mnist, or a path on the shared volume)' : `must be a string, got ${typeName(i.input)}`) }).min(1, 'must not be empty'),
    epochs: int(1),
    shards: int(1).max(1024, 'must be <= 1024').default(DEFAULTS.shards),
    batchSize: int(1).default(DEFAULTS.batchSize),
    seed: int(0).default(DEFAULTS.seed),
    learningRate: z.number().positive('must be > 0').finite().default(DEFAULTS.learningRate),
    augment: z.enum(['none', 'online']).default(DEFAULTS.augment),
    normalization: z.union([z.enum(['div256', 'div255']), z.object({ mean: z.array(z.number()), std: z.array(z.number()) })]).default(DEFAULTS.normalization),
    optimizer: z.enum(OPTIMIZER_POLICIES).default(DEFAULTS.optimizerPolicy),
    /** Rounds per epoch R: shards average every 1/R of their epoch (one BullMQ flow per round). */
    // The default depends on the shard count (syncDefaults).
    syncEvery: int(1).max(64, { error: (i) => `must be <= 64, got ${String(i.input)}` }).optional(),
    outer: z.enum(OUTER_OPTIMIZERS).default(DEFAULTS.outer),
    outerLr: z.number({ error: (i) => `must be a number, got ${typeName(i.input)}` }).finite().gt(0, 'must be > 0').max(2, { error: (i) => `must be <= 2, got ${String(i.input)}` }).default(DEFAULTS.outerLr),
    outerMomentum: z.number({ error: (i) => `must be a number, got ${typeName(i.input)}` }).finite().min(0, { error: (i) => `must be >= 0, got ${String(i.input)}` }).lt(1, { error: (i) => `must be < 1, got ${String(i.input)}` }).default(DEFAULTS.outerMomentum),
    /** Keep only the first N training / test samples (small runs and tests). */
    limit: int(1).optional(),
    testLimit: int(1).optional(),
    /** Directory the final model is saved to (default <coordinator models dir>/<jobId>). */
    out: z.string().min(1).optional(),
    name: z.string().max(200).optional(),
  }, { error: (i) => (i.input === undefined ? 'a job payload is required' : `job payload must be a JSON object, got ${typeName(i.input)}`) })
  .strict();

export type JobPayloadInput = z.input<typeof jobPayloadSchema>;

/** A validated job: the payload with defaults applied and the model spec resolved. */
export interface JobOptions extends Omit<z.output<typeof jobPayloadSchema>, 'spec' | 'preset' | 'syncEvery'> {
  preset?: string;
  spec: ModelSpec;
  syncEvery: number;
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

function formatIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : 'payload';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return `${field}: ${issue.message}`;
}

/** Validates a job payload; throws JobError naming every bad field. */
export function parseJobPayload(input: unknown): JobOptions {
  const r = jobPayloadSchema.safeParse(input);
  if (!r.success) {
    throw new JobError(`invalid job: ${r.error.issues.map(formatIssue).join('; ')}`);
  }
  const { preset, spec: rawSpec, ...rest } = r.data;
  if (preset === undefined && rawSpec === undefined) throw new JobError("invalid job: preset: is required (or give a model 'spec')");
  if (preset !== undefined && rawSpec !== undefined) throw new JobError("invalid job: give either 'preset' or 'spec', not both");
  let spec: ModelSpec;
  try {
    spec = preset !== undefined ? getPreset(preset) : validateSpec(rawSpec);
  } catch (e) {
    throw new JobError(`invalid job: ${preset !== undefined ? 'preset' : 'spec'}: ${(e as Error).message}`, { cause: e });
  }
  const sync = syncDefaults(rest.shards);
  return { ...rest, syncEvery: rest.syncEvery ?? sync.syncEvery, ...(preset !== undefined ? { preset } : {}), spec };
}
