/**
 * What the CLI and the HTTP API do with jobs: enqueue, status, list,
 * metrics, cancel, and the numbers behind GET /metrics.
 */
import type { Redis } from 'ioredis';
import { isTensorpoolError, JobError, limits } from '@tensorpool/core';
import { createKeys, type Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { openQueues, type Queues } from './queues.js';
import { inexactSplitWarning, parseJobPayload, type JobOptions } from './schema.js';
import { createJobRecord, getFinalMetrics, getJobRecord, jobStatus, listJobIds, requireJobRecord, transition, TERMINAL_STATES, type JobStatus } from './state.js';
import { activeWorkers, type WorkerBeat } from './heartbeat.js';
import { emitRunEvent } from './run-events.js';
import { cleanupJob } from './cleanup.js';
import { openDatasetStore, type DatasetStore, type Manifest } from '@tensorpool/datasets';
import { dataRoot, pinDataRef } from './data-ref.js';
import { resolveInitFrom, storeModelFile } from './init-from.js';
import { modelStoreBudget } from './model-store.js';
import { modelsDir, normalizeOut } from './out-dir.js';
import { assertJobId, isJobId } from './stored.js';
import { printable } from './payload-shape.js';
import type { Logger } from './log.js';

export interface ClientOptions {
  redisUrl?: string;
  prefix?: string;
  /** Use this connection instead of opening one (not closed by close()). */
  redis?: Redis;
  /** Root that `data` paths must lie in (default TENSORPOOL_DATA_ROOT; none: only named datasets and ids). */
  dataRoot?: string;
  /** Models dir a local caller's `out` must lie in (default TENSORPOOL_MODELS_DIR, else DEFAULTS.modelsDir). */
  modelsDir?: string;
  /** Byte budget of the model store (default TENSORPOOL_MODEL_STORE_BYTES, else DEFAULTS.modelStoreBytes). */
  modelStoreBytes?: number;
  /** Where the connection's outages are reported (redis.ts; default: nowhere). */
  log?: Logger;
}

/**
 * Who is enqueueing: 'remote' (HTTP callers: untrusted, may not choose
 * where the model is written) or 'local' (the CLI on a host of the service:
 * may pass `out`, confined to the models dir).
 */
export type EnqueueOrigin = 'remote' | 'local';

/** A queued job: its id, the samples each shard steps on, and a warning when the default split of batchSize was not exact. */
export interface EnqueueResult {
  jobId: string;
  shardBatchSize: number;
  warning?: string;
}

/** One row of list(): a job's status, or, when its record is corrupt, its id, the error code (E_CORRUPT, E_JOB for a foreign id) and why. */
export type JobListEntry = JobStatus | { id: string; state: 'corrupt'; code: string; error: string };

export interface QueueStats {
  /** Shard jobs waiting or running. */
  shardsWaiting: number;
  shardsActive: number;
  /** Training jobs queued or running. */
  jobsActive: number;
  workers: WorkerBeat[];
  shardsDone: number;
  shardsRejected: number;
  /** Sum of the live workers' last throughput. */
  imagesPerSecond: number;
}

export class QueueClient {
  readonly keys: Keys;
  readonly redis: Redis;
  readonly queues: Queues;
  private readonly ownsRedis: boolean;
  private readonly dataRoot?: string;
  private readonly modelsDir: string;
  private readonly modelStoreBytes: number;
  private store?: DatasetStore;

  constructor(opts: ClientOptions = {}) {
    this.keys = createKeys(opts.prefix);
    this.dataRoot = dataRoot(opts.dataRoot);
    this.modelsDir = modelsDir(opts.modelsDir);
    this.modelStoreBytes = modelStoreBudget(opts.modelStoreBytes);
    this.ownsRedis = !opts.redis;
    this.redis = opts.redis ?? connectRedis(opts.redisUrl, {}, opts.log);
    this.queues = openQueues(this.keys, this.redis);
  }

  /**
   * Validates the payload (JobError naming the bad field), checks its data
   * reference against this process's data root, and queues the job; BusyError
   * when the service is at its active-job limit. `origin` defaults to
   * 'remote' (the stricter one).
   */
  async enqueue(payload: unknown, opts: { origin?: EnqueueOrigin } = {}): Promise<EnqueueResult> {
    const origin = opts.origin ?? 'remote';
    if (origin === 'remote' && payload !== null && typeof payload === 'object' && Object.hasOwn(payload, 'out')) {
      throw new JobError('invalid job: out: not accepted from remote callers (the model goes to <models dir>/<jobId>)');
    }
    // A starting model (initFrom: a file inside the data root, or a stored id) becomes a stored id plus its spec.
    const options: JobOptions = parseJobPayload(await resolveInitFrom(payload, this.redis, this.keys, this.dataRoot, this.modelStoreBytes));
    try {
      if (options.out !== undefined) options.out = normalizeOut(options.out, this.modelsDir);
      // A store name is pinned to the id it points at now; the job keeps those bytes.
      const pinned = await pinDataRef(options.data, this.dataRoot, this.datasetStore());
      options.data = pinned.data;
      if (pinned.manifest) options.spec = fitSpec(options, pinned.manifest);
    } catch (e) {
      throw new JobError(`invalid job: ${(e as Error).message}`, { cause: e });
    }
    const rec = await createJobRecord(this.redis, this.keys, options, undefined, limits().activeJobs);
    await this.queues.train.add('train', { jobId: rec.id }, { jobId: rec.id, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 1000 });
    const chosen = payload !== null && typeof payload === 'object' && Object.hasOwn(payload, 'shardBatchSize');
    const warning = chosen ? undefined : inexactSplitWarning(options);
    return { jobId: rec.id, shardBatchSize: options.shardBatchSize, ...(warning ? { warning } : {}) };
  }

  /** Reads a model file on this machine (directory, .h5, .keras) into the model store (StoreFullError beyond its budget); the id goes in a payload's `initFrom`. */
  async putModelFile(path: string): Promise<Awaited<ReturnType<typeof storeModelFile>>> {
    return storeModelFile(this.redis, this.keys, path, { budgetBytes: this.modelStoreBytes });
  }

  /** The dataset store of this service (TENSORPOOL_DATASET_STORE; default: this Redis, under the prefix). */
  datasetStore(): DatasetStore {
    return (this.store ??= openDatasetStore(this.redis, { prefix: this.keys.prefix }));
  }

  /** True while a queued or running job trains on dataset `id` (its delete is then refused). */
  async datasetInUse(id: string): Promise<boolean> {
    for (const jobId of await this.redis.smembers(this.keys.active)) {
      if (!isJobId(jobId)) continue;
      // A record that cannot be read still counts: refusing a delete is the safe side.
      const rec = await getJobRecord(this.redis, this.keys, jobId).catch(() => null);
      if (rec === null) return true;
      if (rec && !TERMINAL_STATES.includes(rec.state) && rec.options.data === id) return true;
    }
    return false;
  }

  async status(jobId: string): Promise<JobStatus> {
    assertJobId(jobId);
    return jobStatus(this.redis, this.keys, jobId);
  }

  /** Newest first; a job whose record is corrupt is listed as state 'corrupt' with the reason, not dropped. */
  async list(limit = 100): Promise<JobListEntry[]> {
    const ids = await listJobIds(this.redis, this.keys, limit);
    const out: JobListEntry[] = [];
    for (const id of ids) {
      try {
        out.push(await this.status(id));
      } catch (e) {
        // Redis itself failing fails the list; only a bad value becomes a row.
        if (!isTensorpoolError(e)) throw e;
        // Gone between the two calls: skip. Corrupt or foreign: shown, so an operator sees it.
        if (isJobId(id) && (await this.redis.exists(this.keys.job(id))) === 0) continue;
        out.push({ id: printable(id, 40), state: 'corrupt', code: e.code, error: e.message });
      }
    }
    return out;
  }

  /** Final test metrics; JobError when the job has not completed. */
  async metrics(jobId: string): Promise<Record<string, unknown>> {
    assertJobId(jobId);
    const rec = await requireJobRecord(this.redis, this.keys, jobId);
    const m = await getFinalMetrics(this.redis, this.keys, jobId);
    if (!m) throw new JobError(`job ${jobId} is ${rec.state}${rec.state === 'running' ? ` (epoch ${rec.epoch} of ${rec.options.epochs} done)` : ''}: test metrics exist once it has completed`);
    return m;
  }

  /**
   * Cancels a queued or running job: marks it cancelled (workers training its
   * shards abort within a few seconds), removes its pending queue entries
   * and its weight blobs. Returns false when it had already finished.
   */
  async cancel(jobId: string): Promise<{ cancelled: boolean; state: string }> {
    assertJobId(jobId);
    const rec = await requireJobRecord(this.redis, this.keys, jobId);
    if (TERMINAL_STATES.includes(rec.state)) return { cancelled: false, state: rec.state };
    const ok = await transition(this.redis, this.keys, jobId, 'cancelled', { finishedAt: Date.now(), error: 'cancelled by request' });
    if (ok) await emitRunEvent(this.redis, this.keys, jobId, { type: 'run-cancelled' });
    await cleanupJob(this.redis, this.keys, this.queues, jobId);
    const after = await requireJobRecord(this.redis, this.keys, jobId);
    return { cancelled: ok, state: after.state };
  }

  async stats(): Promise<QueueStats> {
    const [counts, jobsActive, workers, done, rejected] = await Promise.all([
      this.queues.shards.getJobCounts('wait', 'active', 'delayed', 'prioritized'),
      this.redis.scard(this.keys.active),
      activeWorkers(this.redis, this.keys),
      this.redis.get(this.keys.shardsDone),
      this.redis.get(this.keys.shardsRejected),
    ]);
    return {
      shardsWaiting: (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      shardsActive: counts.active ?? 0,
      jobsActive,
      workers,
      shardsDone: Number(done ?? 0),
      shardsRejected: Number(rejected ?? 0),
      imagesPerSecond: workers.reduce((a, w) => a + (w.busy > 0 ? w.imagesPerSecond : 0), 0),
    };
  }

  async close(): Promise<void> {
    await this.queues.close();
    if (this.ownsRedis) await this.redis.quit();
  }
}

/**
 * The job's model checked against a stored dataset (as `train` checks a
 * local one): same image shape and number of classes; the model's labels
 * become the dataset's class names when they differ only in names.
 */
function fitSpec(o: JobOptions, m: Manifest): JobOptions['spec'] {
  const want = o.spec.inputShape.join('x');
  if (m.shape.join('x') !== want) throw new JobError(`data: dataset ${m.id} holds ${m.shape.join('x')} images; the model expects ${want} (push it with --shape ${want})`);
  if (m.classes.length !== o.spec.labels.length) throw new JobError(`data: dataset ${m.id} has ${m.classes.length} classes; the model has ${o.spec.labels.length} outputs`);
  const same = o.spec.labels.every((l) => m.classes.includes(l));
  return same ? o.spec : { ...o.spec, labels: [...m.classes] };
}
