/**
 * Every Redis key and BullMQ queue name tensorpool uses, built in one place
 * under one prefix (DEFAULTS.queuePrefix, or TENSORPOOL_PREFIX). Tests use
 * their own prefix and delete `prefix:*` afterwards.
 *
 * BullMQ job ids cannot contain ':', so job-scoped ids use '-'.
 *
 * Rounds: an epoch is trained in R rounds (job option syncEvery, default 1),
 * each one flow of S shard chunks followed by an average. Round-scoped keys
 * and ids take the round as a last argument; round 0 gives exactly the
 * epoch-scoped names used before rounds existed (`weights:<e>`,
 * `<id>-e<e>-s<s>`), round r > 0 appends it (`weights:<e>.<r>`,
 * `<id>-e<e>r<r>-s<s>`). "At the start of (e, r)" for r = R is "at the start
 * of (e + 1, 0)"; the coordinator always writes the latter.
 */
import { DEFAULTS, UsageError } from '@tensorpool/core';

export interface Keys {
  readonly prefix: string;
  /** BullMQ `prefix` option: its keys live under `${prefix}:bull:<queue>:...`. */
  readonly bullPrefix: string;
  /** Queue of admitted training jobs, processed by the coordinator (init + first epoch). */
  readonly trainQueue: string;
  /** Queue of epoch parent jobs, processed by the coordinator when all shards are done. */
  readonly epochQueue: string;
  /** Queue of shard jobs, processed by workers. */
  readonly shardQueue: string;
  /** Hash: the job record (state, spec, options, epoch, timestamps, error). */
  job(jobId: string): string;
  /** Sorted set of all job ids, scored by creation time. */
  readonly jobs: string;
  /** Set of job ids whose state is queued or running (the coordinator resumes these). */
  readonly active: string;
  /** Global weights at the start of round `round` of `epoch` (epoch = epochs means final weights). */
  weights(jobId: string, epoch: number, round?: number): string;
  /** Hash of averaged Adam state at the start of a round: m, v blobs and step. */
  adam(jobId: string, epoch: number, round?: number): string;
  /** Hash of one shard's result of a round: weights, m, v blobs and meta JSON. Written once (idempotent). */
  result(jobId: string, epoch: number, shard: number, round?: number): string;
  /** Hash of the outer optimizer's state at the start of a round: momentum blob `u` (outer momentum|nesterov). */
  outer(jobId: string, epoch: number, round?: number): string;
  /** Hash: '<epoch>.<round>' -> JSON metrics of one averaged round (spread between shards, loss). */
  roundMetrics(jobId: string): string;
  /** Hash of per-shard Adam state kept across epochs (policy 'per-shard'). */
  shardAdam(jobId: string, shard: number): string;
  /** Hash: epoch -> JSON per-epoch metrics. */
  epochMetrics(jobId: string): string;
  /** String: JSON final test metrics. */
  metrics(jobId: string): string;
  /** Hash: shard -> fraction done of the running epoch. */
  progress(jobId: string): string;
  /** Set of worker ids that ran shards of this job. */
  jobWorkers(jobId: string): string;
  /** String with TTL: a live worker's heartbeat (JSON). */
  worker(workerId: string): string;
  /** Set of worker ids ever seen (pruned when heartbeats expire). */
  readonly workers: string;
  /** Counter: shard results accepted (Prometheus shards_done). */
  readonly shardsDone: string;
  /** Counter: shard results rejected by validation (wrong size, NaN/Inf). */
  readonly shardsRejected: string;
  /** Stream: the job's run events (packages/core/src/events.ts), XADD MAXLEN ~ DEFAULTS.events.streamMaxLen; outlives the job. */
  runEvents(jobId: string): string;
  /** String with TTL: a dashboard session of the HTTP API (JSON {role, fp, created}); never the token itself. */
  session(sessionId: string): string;
  /** String with TTL: manifest JSON of an initial model (model-store.ts), by the hex of its sha256 id. */
  model(hex: string): string;
  /** String (binary) with TTL: chunk `index` of that model's float32 weights. */
  modelChunk(hex: string, index: number): string;
  /** Sorted set: id hex of every stored model, scored by when its keys expire (ms, Redis clock); the budget's index. */
  readonly models: string;
  /** Hash: id hex -> bytes of that stored model (weights + manifest), summed against the model store budget. */
  readonly modelBytes: string;
  /** Key prefix of @fastify/rate-limit's counters (one per route and client; the plugin appends both). */
  readonly rateLimit: string;
  /** BullMQ job ids of a round's parent (the `epochs` queue) and its shard children. */
  epochJobId(jobId: string, epoch: number, round?: number): string;
  shardJobId(jobId: string, epoch: number, shard: number, round?: number): string;
}

const PREFIX_RE = /^[A-Za-z0-9_.{}-]+(:[A-Za-z0-9_.{}-]+)*$/;

export function resolvePrefix(prefix?: string): string {
  return prefix ?? process.env.TENSORPOOL_PREFIX ?? DEFAULTS.queuePrefix;
}

export function createKeys(prefix?: string): Keys {
  const p = resolvePrefix(prefix);
  if (!PREFIX_RE.test(p)) throw new UsageError(`key prefix '${p}' must be letters, digits, '_', '.', '-' (':' between parts)`);
  const j = (id: string) => `${p}:job:${id}`;
  // Round 0 keeps the pre-rounds names (see the header).
  const at = (e: number, r = 0) => (r === 0 ? `${e}` : `${e}.${r}`);
  const idAt = (e: number, r = 0) => (r === 0 ? `e${e}` : `e${e}r${r}`);
  return {
    prefix: p,
    bullPrefix: `${p}:bull`,
    trainQueue: 'train',
    epochQueue: 'epochs',
    shardQueue: 'shards',
    job: j,
    jobs: `${p}:jobs`,
    active: `${p}:active`,
    weights: (id, e, r) => `${j(id)}:weights:${at(e, r)}`,
    adam: (id, e, r) => `${j(id)}:adam:${at(e, r)}`,
    result: (id, e, s, r) => `${j(id)}:result:${at(e, r)}:${s}`,
    outer: (id, e, r) => `${j(id)}:outer:${at(e, r)}`,
    roundMetrics: (id) => `${j(id)}:rounds`,
    shardAdam: (id, s) => `${j(id)}:shard-adam:${s}`,
    epochMetrics: (id) => `${j(id)}:epochs`,
    metrics: (id) => `${j(id)}:metrics`,
    progress: (id) => `${j(id)}:progress`,
    jobWorkers: (id) => `${j(id)}:workers`,
    worker: (w) => `${p}:worker:${w}`,
    workers: `${p}:workers`,
    shardsDone: `${p}:stats:shards-done`,
    shardsRejected: `${p}:stats:shards-rejected`,
    runEvents: (id) => `${p}:run-events:${id}`,
    session: (sid) => `${p}:session:${sid}`,
    model: (hex) => `${p}:model:${hex}`,
    modelChunk: (hex, i) => `${p}:model:${hex}:chunk:${i}`,
    models: `${p}:models`,
    modelBytes: `${p}:model-bytes`,
    rateLimit: `${p}:rate-limit:`,
    epochJobId: (id, e, r) => `${id}-${idAt(e, r)}`,
    shardJobId: (id, e, s, r) => `${id}-${idAt(e, r)}-s${s}`,
  };
}
