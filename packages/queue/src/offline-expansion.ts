/**
 * `augment: 'offline'` in a distributed job, expanded once per job on each
 * worker, as `train --augment offline` expands once per run (not once per
 * epoch): a job's expansion has room for the 18 variants of every sample
 * trained on, in trainIndices order ([m * 18, h, w, c]: variant r of sample j
 * at j * 18 + r, the layout of `expandOffline` over the local training set,
 * so sample ids, and with them dropout masks, are local training's). A shard
 * expands only its samples this worker has not expanded for the job yet and
 * trains on indices into the expansion. A shard's samples change every epoch
 * (shardIndices), so over a job a worker fills in what its shards needed.
 *
 * Bounded: expansions live in an LRU of `budgetBytes` (default
 * DEFAULTS.limits.datasetCacheBytes, apart from the datasets' own budget),
 * keyed by job. A job whose whole expansion is larger than the budget is not
 * kept: its shards expand their own samples each time, as before (18 x the
 * shard's bytes while it trains).
 */
import { subset, type DatasetSplits, type ImageSet } from '@tensorpool/data';
import { expandLabels, expandOffline, expandOfflineRange, OFFLINE_FACTOR } from '@tensorpool/preprocessing';
import { LruCache } from './lru.js';

interface Expansion {
  /** [m * 18, h, w, c] variants of the m samples trained on; slot j filled once done[j] is 1. */
  set: ImageSet;
  done: Uint8Array;
}

export interface ShardSet {
  train: ImageSet;
  /** Indices into `train` of the shard's variants (absent: all of `train`). */
  indices?: Int32Array;
}

export class OfflineExpansions {
  private readonly lru: LruCache<string, Expansion>;
  /** Samples expanded so far (diagnostics, tests): each one 18 variants. */
  expandedSamples = 0;

  constructor(private readonly budgetBytes: number) {
    this.lru = new LruCache(budgetBytes);
  }

  /**
   * The training set of one shard: `local` are positions into `trainIndices`
   * (which index data.train), as shardIndices gives them.
   */
  shardSet(jobId: string, data: DatasetSplits, trainIndices: Int32Array, local: Int32Array): ShardSet {
    const per = data.train.shape[0] * data.train.shape[1] * data.train.shape[2];
    const m = trainIndices.length;
    const bytes = m * OFFLINE_FACTOR * (per + 1);
    if (bytes > this.budgetBytes) {
      this.expandedSamples += local.length;
      return { train: expandOffline(subset(data.train, Array.from(local, (j) => trainIndices[j]))) };
    }
    let e = this.lru.get(jobId);
    if (!e) {
      // Untouched pages of a fresh SharedArrayBuffer are not resident: memory grows as slots fill.
      const images = new Uint8Array(new SharedArrayBuffer(m * OFFLINE_FACTOR * per));
      const labels = expandLabels(Uint8Array.from(trainIndices, (i) => data.train.labels[i]), m);
      e = { set: { images, labels, n: m * OFFLINE_FACTOR, shape: [...data.train.shape], classes: data.train.classes }, done: new Uint8Array(m) };
      this.lru.set(jobId, e, bytes);
    }
    const indices = new Int32Array(local.length * OFFLINE_FACTOR);
    for (let k = 0; k < local.length; k++) {
      const j = local[k];
      if (!e.done[j]) {
        const i = trainIndices[j];
        expandOfflineRange(data.train.images, data.train.shape, i, i + 1, e.set.images, j * OFFLINE_FACTOR * per, 'nearest', 0);
        e.done[j] = 1;
        this.expandedSamples++;
      }
      for (let r = 0; r < OFFLINE_FACTOR; r++) indices[k * OFFLINE_FACTOR + r] = j * OFFLINE_FACTOR + r;
    }
    return { train: e.set, indices };
  }
}
