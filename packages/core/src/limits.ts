/**
 * The service's limits: DEFAULTS.limits, each overridable by the operator
 * with one environment variable. This is the only place that reads them, so
 * every process (API, CLI, coordinator, workers) applies the same numbers.
 *
 *   TENSORPOOL_MAX_EPOCHS=5000 tensorpool serve
 */
import { DEFAULTS } from './defaults.js';
import { UsageError } from './errors.js';

export type Limits = { -readonly [K in keyof typeof DEFAULTS.limits]: number };

/** Environment variable of every limit. */
export const LIMIT_ENV: { readonly [K in keyof Limits]: string } = {
  epochs: 'TENSORPOOL_MAX_EPOCHS',
  shards: 'TENSORPOOL_MAX_SHARDS',
  batchSize: 'TENSORPOOL_MAX_BATCH_SIZE',
  learningRate: 'TENSORPOOL_MAX_LEARNING_RATE',
  samples: 'TENSORPOOL_MAX_SAMPLES',
  params: 'TENSORPOOL_MAX_PARAMS',
  activationBytes: 'TENSORPOOL_MAX_ACTIVATION_BYTES',
  nameLength: 'TENSORPOOL_MAX_NAME_LENGTH',
  pathLength: 'TENSORPOOL_MAX_PATH_LENGTH',
  layers: 'TENSORPOOL_MAX_LAYERS',
  labels: 'TENSORPOOL_MAX_LABELS',
  payloadDepth: 'TENSORPOOL_MAX_PAYLOAD_DEPTH',
  payloadNodes: 'TENSORPOOL_MAX_PAYLOAD_NODES',
  activeJobs: 'TENSORPOOL_MAX_ACTIVE_JOBS',
  datasetCacheBytes: 'TENSORPOOL_DATASET_CACHE_BYTES',
  trainers: 'TENSORPOOL_MAX_TRAINERS',
  evaluations: 'TENSORPOOL_MAX_EVALUATIONS',
};

/**
 * The limits in effect: DEFAULTS.limits with the environment's overrides.
 * A malformed override is a UsageError naming the variable (a typo must not
 * silently lift a bound). Integer limits stay integers; learningRate may be
 * fractional.
 */
export function limits(env: Record<string, string | undefined> = process.env): Limits {
  const out = { ...DEFAULTS.limits } as Limits;
  for (const k of Object.keys(LIMIT_ENV) as (keyof Limits)[]) {
    const raw = env[LIMIT_ENV[k]];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    const integer = k !== 'learningRate';
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isSafeInteger(n))) {
      throw new UsageError(`${LIMIT_ENV[k]} must be a positive ${integer ? 'integer' : 'number'}, got '${raw}'`);
    }
    out[k] = n;
  }
  return out;
}
