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
  /** Saved model directories get a Keras model.h5 next to model.json (`train --no-h5` turns it off). */
  saveH5: true,
  backend: 'wasm' as const,
  redisUrl: 'redis://127.0.0.1:6379',
  queuePrefix: 'tensorpool',
  apiPort: 8080,
  shards: 2, // distributed: shard jobs per epoch (S)
  optimizerPolicy: 'per-shard' as const, // distributed: each shard keeps its Adam m/v across epochs (measured best; packages/queue/README.md)
  averageAdamFromShards: 8, // distributed: from this many shards on the default policy is 'average' (measured at 8 shards, packages/queue/README.md)
  // distributed, chosen from the parity measurement in packages/queue/README.md:
  // jobs with >= syncFromShards shards average syncEvery times per epoch, fewer
  // shards once per epoch; every average goes through the outer optimizer `outer`.
  syncFromShards: 4,
  syncEvery: 4, // rounds (averages) per epoch from syncFromShards shards on
  outer: 'nesterov', // outer optimizer on the averaged shard update (average | momentum | nesterov)
  outerLr: 0.7, // outer learning rate (momentum | nesterov; DiLoCo's)
  outerMomentum: 0.9, // outer momentum (momentum | nesterov; DiLoCo's)
  shardAttempts: 3, // distributed: tries per shard job before its job fails (rejected results are retried)
  /**
   * Bounded stop on SIGTERM (packages/queue/src/bounded-stop.ts): the work in progress gets graceMs,
   * closing the connections then closeMs; each sum stays under the platform's kill deadline.
   * worker: shards (k8s 900 s / compose 15 m); coordinator: an averaging/evaluation step (k8s 120 s /
   * compose 2 m); api: HTTP requests (k8s' default 30 s; compose's api stop_grace_period 30 s).
   */
  stop: {
    worker: { graceMs: 840_000, closeMs: 10_000 },
    coordinator: { graceMs: 100_000, closeMs: 10_000 },
    api: { graceMs: 20_000, closeMs: 5_000 },
  },
  leaseMs: 30_000, // distributed: BullMQ lock duration and stalled-check interval of shard/epoch jobs
  datasetChunkBytes: 8 * 1024 * 1024, // dataset store: serialized datasets move in chunks of this size
  datasetStoreBytes: 4 * 1024 ** 3, // dataset store: total chunk bytes the Redis store may hold (TENSORPOOL_DATASET_STORE_BYTES)
  datasetDiskCacheBytes: 10 * 1024 ** 3, // dataset cache on disk: bytes kept per machine before LRU eviction (TENSORPOOL_CACHE_BYTES)
  /** Initial models of distributed jobs (`enqueue --init-from`, payload `initFrom`): kept in Redis this long after the last enqueue naming one. */
  initModelTtlSeconds: 7 * 24 * 3600,
  /** Those models' total bytes (weights + manifests) in Redis; a new one beyond it is refused (TENSORPOOL_MODEL_STORE_BYTES). */
  modelStoreBytes: 512 * 1024 ** 2, // two models at TENSORPOOL_MAX_PARAMS (200 MB each), many small ones
  modelsDir: 'models', // coordinator: final models go to <modelsDir>/<jobId> (a local CLI job may name a directory inside it)
  /**
   * What the job service accepts and holds, checked at the boundary (job
   * payloads, caches). The operator overrides each with the environment
   * variable in LIMIT_ENV (packages/core/src/limits.ts), read in one place:
   * `limits()`. packages/queue/README.md lists them.
   */
  limits: {
    epochs: 1000,
    shards: 64,
    batchSize: 1024,
    /** Largest learning rate; the smallest is anything > 0. */
    learningRate: 1,
    /** `limit` and `testLimit`: samples kept of the training / test split. */
    samples: 10_000_000,
    /** Total parameters of a job's model (the seed preset has 17.4 M). */
    params: 50_000_000,
    /** Estimated activation memory of one batch (forward outputs, float32), see engine estimateActivationBytes. */
    activationBytes: 4 * 1024 ** 3,
    /** Job name, spec name and each label; also the length of a `data` / `out` reference. */
    nameLength: 200,
    pathLength: 1024,
    /** Layers of a spec, labels (classes) of a spec: labels are stored as uint8. */
    layers: 256,
    labels: 256,
    /** Nesting depth and number of values of a job payload (the largest valid one is depth 5). */
    payloadDepth: 8,
    payloadNodes: 20_000,
    /** Jobs queued or running per service (Redis `active` set); more are refused (HTTP 429). */
    activeJobs: 64,
    /** Decoded datasets kept by one process (LRU). */
    datasetCacheBytes: 2 * 1024 ** 3,
    /** Idle warm trainers (thread pools) kept by one process. */
    trainers: 2,
    /** Jobs whose last evaluation the coordinator keeps (released when a job ends). */
    evaluations: 4,
  },
  /** HTTP API (`tensorpool serve`): each overridable by env and a serve flag (services/api/README.md). */
  api: {
    bodyBytes: 1 << 20, // largest request body (413 above); TENSORPOOL_API_BODY_BYTES, --body-limit
    uploadBytes: 1024 ** 3, // largest dataset upload, PUT /datasets/:name (streamed, 413 above); TENSORPOOL_API_UPLOAD_BYTES, --upload-limit
    rateLimitMax: 60, // mutating requests per route, client address and window (429 above); TENSORPOOL_API_RATE_MAX, --rate-limit
    rateLimitWindowMs: 60_000, // TENSORPOOL_API_RATE_WINDOW_MS, --rate-window-ms
    sessionTtlMs: 8 * 3600_000, // dashboard session (cookie) lifetime in Redis
    /** /healthz answers 503 when Redis does not answer PING within this (ioredis queues commands while disconnected, so a bare PING would wait for ever). */
    healthTimeoutMs: 2_000,
  },
  /** Run events (packages/core/src/events.ts) and the dashboard that reads them. */
  events: {
    stepEvery: 20, // a `step` event every N training steps
    streamMaxLen: 10_000, // Redis stream per job: XADD MAXLEN ~ this
    fileBytes: 64 << 20, // events.jsonl larger than this is read only up to here
    followPollMs: 500, // `tensorpool dashboard`: how often a run file still being written is re-read
  },
  /** Sample predictions saved with a model (samples.json + samples.png) and the pooling explorer. */
  explorer: {
    samples: 32, // test images saved with a finished model, misclassified first
    uploadBytes: 4 << 20, // largest image uploaded to the explorer (413 above)
    pending: 4, // explorer forward passes waiting for its worker thread (503 above)
  },
} as const;

export type Defaults = typeof DEFAULTS;
