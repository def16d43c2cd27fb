/**
 * The two sides of a parity measurement, shared by `pnpm bench:parity`,
 * `bench/sync-cost.ts` and the CI test test/distributed-parity-within-tolerance.test.ts:
 * local data-parallel training (one optimizer step per global batch) and a
 * distributed job run by an in-process coordinator and S in-process workers
 * with 1 thread each, on fashion-mnist with the same seed, data and epochs.
 *
 * A setting says how the distributed job syncs and batches: a name below,
 * `default` (what a job without those options gets at that S: schema.ts
 * syncDefaults and shardBatchFor), or `R:outer:lr:momentum` (e.g.
 * `2:nesterov:0.7:0.9`); any of them with `@B` appended sets the per-shard
 * batch (`once@32`), else the job's batch is split over the shards; `~F`
 * appended last multiplies the shards' Adam learning rate by F
 * (`default~1.41`: a candidate for the smaller shard batch).
 * `before` is the behaviour before rounds and the split: once per epoch,
 * plain averaging, every shard stepping on the whole batch.
 */
import { availableParallelism } from 'node:os';
import { DEFAULTS } from '@tensorpool/core';
import { getPreset, initialWeights } from '@tensorpool/engine';
import { loadDataset } from '@tensorpool/data';
import { Trainer } from '@tensorpool/training';
import { Coordinator, QueueClient, ShardWorker, syncDefaults, type OptimizerPolicy, type OuterOptimizer } from '@tensorpool/queue';
import { trafficBytes } from './private-redis.js';
import { closeInProcessCluster } from './in-process-cluster.js';

export interface Setting { name: string; syncEvery: number; outer: OuterOptimizer; outerLr: number; outerMomentum: number; shardBatchSize?: number; learningRate?: number }

const AVERAGE = { outer: 'average', outerLr: 1, outerMomentum: 0 } as const;
const NESTEROV = { outer: 'nesterov', outerLr: 0.7, outerMomentum: 0.9 } as const;
const NAMED: Record<string, Omit<Setting, 'name'>> = {
  once: { syncEvery: 1, ...AVERAGE },
  // The behaviour before rounds and the batch split (with its shard batch below).
  before: { syncEvery: 1, ...AVERAGE },
  'r2-average': { syncEvery: 2, ...AVERAGE },
  'r4-average': { syncEvery: 4, ...AVERAGE },
  'r1-nesterov': { syncEvery: 1, ...NESTEROV },
  'r2-nesterov': { syncEvery: 2, ...NESTEROV },
  'r4-nesterov': { syncEvery: 4, ...NESTEROV },
};

/** The setting named `s` at S shards for a job of batch `batchSize`; `@B` sets the per-shard batch (`before`: all of batchSize). */
export function parseSetting(s: string, S: number, batchSize: number): Setting {
  const [rest, f] = s.split('~');
  const set = parseBase(rest, S, batchSize);
  if (f === undefined) return { ...set, name: s };
  if (!(Number(f) > 0)) throw new Error(`setting '${s}': ~F must be a positive learning-rate factor`);
  return { ...set, name: s, learningRate: DEFAULTS.learningRate * Number(f) };
}

function parseBase(s: string, S: number, batchSize: number): Setting {
  const [base, b] = s.split('@');
  const shardBatch = b !== undefined ? { shardBatchSize: Number(b) } : base === 'before' ? { shardBatchSize: batchSize } : {};
  if (base === 'default') return { name: s, ...syncDefaults(S), outerLr: DEFAULTS.outerLr, outerMomentum: DEFAULTS.outerMomentum, ...shardBatch };
  if (NAMED[base]) return { name: s, ...NAMED[base], ...shardBatch };
  const [r, outer, lr, mu] = base.split(':');
  if (!Number.isInteger(Number(r)) || !outer) throw new Error(`setting '${s}': expected a name (${['default', ...Object.keys(NAMED)].join(', ')}) or R:outer:lr:momentum, optionally @B`);
  return { name: s, syncEvery: Number(r), outer: outer as OuterOptimizer, outerLr: Number(lr ?? 1), outerMomentum: Number(mu ?? 0), ...shardBatch };
}

export interface RunData { preset: string; limit: number; testLimit: number; epochs: number; seed: number; batchSize: number }

export interface LocalRun { accuracy: number; seconds: number; threads: number }

/** Local training on `threads` threads (default all cores); test accuracy after the last epoch. */
export async function localRun(d: RunData, threads = availableParallelism()): Promise<LocalRun> {
  const t0 = Date.now();
  const spec = getPreset(d.preset);
  const data = await loadDataset('fashion-mnist', { limit: d.limit, testLimit: d.testLimit });
  const t = await Trainer.create({ spec, threads, batchSize: d.batchSize });
  try {
    let weights = initialWeights(spec, d.seed);
    let adam;
    for (let epoch = 0; epoch < d.epochs; epoch++) {
      const r = await t.trainEpoch({ train: data.train, weights, adam, epoch, seed: d.seed, batchSize: d.batchSize, augment: 'none', normalization: 'div256' });
      weights = r.weights;
      adam = r.adam;
    }
    t.setWeights(weights);
    return { accuracy: (await t.evaluate(data.test, { normalization: 'div256' })).accuracy, seconds: (Date.now() - t0) / 1000, threads };
  } finally {
    await t.close();
  }
}

export interface DistRun {
  accuracy: number;
  shardBatchSize: number;
  syncEvery: number;
  seconds: number;
  epochSeconds: number[];
  redisBytesPerEpoch: number | null;
  spread: number[];
}

export interface DistOptions {
  shards: number;
  setting: Setting;
  policy?: OptimizerPolicy;
  /** A key prefix of this run's own (deleted afterwards). */
  prefix: string;
  redisUrl?: string;
  /** Count the Redis server's bytes in and out (a private server: bench/private-redis.ts). */
  measureBytes?: boolean;
}

/** One distributed job with S in-process workers (1 thread each) and an in-process coordinator. */
export async function distributedRun(d: RunData, o: DistOptions): Promise<DistRun> {
  const { shards: S, setting: s, prefix, redisUrl } = o;
  const modelsDir = `/tmp/${prefix}`;
  const coord = new Coordinator({ prefix, redisUrl, threads: Math.min(S, availableParallelism()), modelsDir });
  const workers = Array.from({ length: S }, (_, i) => new ShardWorker({ prefix, redisUrl, threads: 1, id: `p${i}` }));
  const client = new QueueClient({ prefix, redisUrl });
  try {
    await coord.start();
    for (const w of workers) await w.start();
    const before = o.measureBytes ? await trafficBytes(client.redis) : 0;
    const t0 = Date.now();
    const { jobId, shardBatchSize } = await client.enqueue({
      preset: d.preset, data: 'fashion-mnist', epochs: d.epochs, shards: S, seed: d.seed, batchSize: d.batchSize, limit: d.limit, testLimit: d.testLimit,
      ...(o.policy !== undefined ? { optimizer: o.policy } : {}), syncEvery: s.syncEvery, outer: s.outer, outerLr: s.outerLr, outerMomentum: s.outerMomentum,
      ...(s.shardBatchSize !== undefined ? { shardBatchSize: s.shardBatchSize } : {}),
      ...(s.learningRate !== undefined ? { learningRate: s.learningRate } : {}),
    });
    for (;;) {
      const st = await client.status(jobId);
      if (st.state === 'failed' || st.state === 'cancelled') throw new Error(`S=${S} ${s.name}: ${st.state}: ${st.error}`);
      if (st.state === 'completed') {
        const seconds = (Date.now() - t0) / 1000;
        const bytes = o.measureBytes ? (await trafficBytes(client.redis)) - before : null;
        const m = await client.metrics(jobId);
        return {
          accuracy: m.testAccuracy as number, shardBatchSize, syncEvery: s.syncEvery, seconds,
          epochSeconds: st.epochMetrics.map((e) => e.seconds),
          redisBytesPerEpoch: bytes === null ? null : Math.round(bytes / d.epochs),
          spread: st.epochMetrics.flatMap((e) => (e.rounds ?? []).map((r) => Number(r.spread.toFixed(3)))),
        };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await closeInProcessCluster({ workers, coord, client, prefix, modelsDir });
  }
}
