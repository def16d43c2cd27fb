/**
 * Every default in one place. The seed script (Keras, 2019) sets batch 32,
 * Adam with Keras's defaults, and divides pixels by 256.
 */
export const DEFAULTS = {
  seed: 42,
  batchSize: 32,
  epochs: 1,
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  /** Keras's epsilon (tfjs's own Adam defaults to 1e-8). */
  epsilon: 1e-7,
  testFraction: 0.25,
  imageShape: [100, 100, 3] as const, // [h, w, c] image folders are resized to when no preset gives one (the seed's)
  validationSplit: 0,
  normalization: 'div256' as const,
  augment: 'none' as const,
  backend: 'wasm' as const,
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'tensorpool',
  apiPort: 8080,
  shards: 2, // distributed: shard jobs per epoch (S)
  optimizerPolicy: 'per-shard' as const, // distributed: each shard keeps its Adam m/v across epochs (measured best; packages/queue/README.md)
  // distributed, chosen from the parity measurement in packages/queue/README.md:
  // jobs with >= syncFromShards shards average syncEvery times per epoch, fewer
  // shards once per epoch; every average goes through the outer optimizer `outer`.
  syncFromShards: 4,
  syncEvery: 4, // rounds (averages) per epoch from syncFromShards shards on
  outer: 'nesterov', // outer optimizer on the averaged shard update (average | momentum | nesterov)
  outerLr: 0.7, // outer learning rate (momentum | nesterov; DiLoCo's)
  outerMomentum: 0.9, // outer momentum (momentum | nesterov; DiLoCo's)
  shardAttempts: 3, // distributed: tries per shard job before its job fails (rejected results are retried)
  leaseMs: 30_000, // distributed: BullMQ lock duration and stalled-check interval of shard/epoch jobs
  modelsDir: 'models', // coordinator: final models go to <modelsDir>/<jobId> unless the job sets out
} as const;

export type Defaults = typeof DEFAULTS;
