/**
 * `pnpm bench:parity`: accuracy of distributed training against local
 * training, same data, seed, batch size and epochs, for each shard count S
 * and each sync setting (rounds per epoch R and outer optimizer), and what
 * it costs: wall time and bytes moved through Redis per epoch. Prints one
 * JSON object (runs + a summary per S and setting).
 *
 *   pnpm bench:parity [--limit 60000] [--test-limit 10000] [--epochs 3] [--seeds 42,7]
 *                     [--shards 2,4,8] [--settings default,once,r4-nesterov] [--policy per-shard]
 *
 * A setting is a name below, `default` (what a job without sync options gets
 * at that S), or `R:outer:lr:momentum` (e.g. `2:nesterov:0.7:0.9`).
 * Local training runs once per seed on all cores (its accuracy does not depend
 * on the thread count beyond float summation order). Distributed runs use an
 * in-process coordinator and S in-process workers with 1 thread each against
 * a private redis-server on a free port (so its INFO byte counters are this
 * run's alone; they include BullMQ's own traffic); without `redis-server` on
 * PATH it falls back to REDIS_URL and reports no bytes.
 */
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { DEFAULTS } from '@tensorpool/core';
import { getPreset, initialWeights } from '@tensorpool/engine';
import { loadDataset } from '@tensorpool/data';
import { Trainer } from '@tensorpool/training';
import { Coordinator, QueueClient, ShardWorker, syncDefaults, type OptimizerPolicy, type OuterOptimizer } from '@tensorpool/queue';
import { startPrivateRedis, trafficBytes, type PrivateRedis } from './private-redis.js';

interface Setting { name: string; syncEvery: number; outer: OuterOptimizer; outerLr: number; outerMomentum: number }

/** `default` is what a job without sync options gets at that shard count (schema.ts syncDefaults). */
const NAMED: Record<string, Omit<Setting, 'name'>> = {
  once: { syncEvery: 1, outer: 'average', outerLr: 1, outerMomentum: 0 },
  'r2-average': { syncEvery: 2, outer: 'average', outerLr: 1, outerMomentum: 0 },
  'r4-average': { syncEvery: 4, outer: 'average', outerLr: 1, outerMomentum: 0 },
  'r1-nesterov': { syncEvery: 1, outer: 'nesterov', outerLr: 0.7, outerMomentum: 0.9 },
  'r2-nesterov': { syncEvery: 2, outer: 'nesterov', outerLr: 0.7, outerMomentum: 0.9 },
  'r4-nesterov': { syncEvery: 4, outer: 'nesterov', outerLr: 0.7, outerMomentum: 0.9 },
};

function setting(s: string, S: number): Setting {
  if (s === 'default') return { name: s, ...syncDefaults(S), outerLr: DEFAULTS.outerLr, outerMomentum: DEFAULTS.outerMomentum };
  if (NAMED[s]) return { name: s, ...NAMED[s] };
  const [r, outer, lr, mu] = s.split(':');
  return { name: s, syncEvery: Number(r), outer: outer as OuterOptimizer, outerLr: Number(lr ?? 1), outerMomentum: Number(mu ?? 0) };
}

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'fashion-mnist' },
    limit: { type: 'string', default: '60000' },
    'test-limit': { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '3' },
    seeds: { type: 'string', default: '42,7' },
    shards: { type: 'string', default: '2,4,8' },
    settings: { type: 'string', default: 'default,once,r4-nesterov' },
    policy: { type: 'string', default: DEFAULTS.optimizerPolicy },
    'batch-size': { type: 'string', default: String(DEFAULTS.batchSize) },
  },
});
const spec = getPreset(values.preset!);
const limit = Number(values.limit), testLimit = Number(values['test-limit']), epochs = Number(values.epochs);
const batchSize = Number(values['batch-size']);
const seeds = values.seeds!.split(',').map(Number);
const shardCounts = values.shards!.split(',').map(Number);
const settingNames = values.settings!.split(',');
const policy = values.policy as OptimizerPolicy;
const log = (s: string) => process.stderr.write(`bench:parity: ${s}\n`);

async function local(seed: number): Promise<{ accuracy: number; seconds: number }> {
  const t0 = Date.now();
  const d = await loadDataset('fashion-mnist', { limit, testLimit });
  const t = await Trainer.create({ spec, threads: availableParallelism(), batchSize });
  try {
    let weights = initialWeights(spec, seed);
    let adam;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const r = await t.trainEpoch({ train: d.train, weights, adam, epoch, seed, batchSize, augment: 'none', normalization: 'div256' });
      weights = r.weights;
      adam = r.adam;
    }
    t.setWeights(weights);
    return { accuracy: (await t.evaluate(d.test, { normalization: 'div256' })).accuracy, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await t.close();
  }
}

interface DistRun { accuracy: number; seconds: number; epochSeconds: number[]; redisBytesPerEpoch: number | null; spread: number[] }

async function distributed(redis: PrivateRedis | undefined, S: number, seed: number, s: Setting): Promise<DistRun> {
  const prefix = `tp-bench-parity-${process.pid}-${S}-${seed}-${s.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const redisUrl = redis?.url;
  const coord = new Coordinator({ prefix, redisUrl, threads: Math.min(S, availableParallelism()), modelsDir: `/tmp/${prefix}` });
  const workers = Array.from({ length: S }, (_, i) => new ShardWorker({ prefix, redisUrl, threads: 1, id: `p${i}` }));
  const client = new QueueClient({ prefix, redisUrl });
  try {
    await coord.start();
    for (const w of workers) await w.start();
    const before = redis ? await trafficBytes(client.redis) : 0;
    const t0 = Date.now();
    const { jobId } = await client.enqueue({ preset: values.preset, data: 'fashion-mnist', epochs, shards: S, seed, batchSize, limit, testLimit, optimizer: policy, syncEvery: s.syncEvery, outer: s.outer, outerLr: s.outerLr, outerMomentum: s.outerMomentum });
    for (;;) {
      const st = await client.status(jobId);
      if (st.state === 'failed' || st.state === 'cancelled') throw new Error(`S=${S} ${s.name}: ${st.state}: ${st.error}`);
      if (st.state === 'completed') {
        const seconds = (Date.now() - t0) / 1000;
        const bytes = redis ? (await trafficBytes(client.redis)) - before : null;
        const m = await client.metrics(jobId);
        return {
          accuracy: m.testAccuracy as number, seconds,
          epochSeconds: st.epochMetrics.map((e) => e.seconds),
          redisBytesPerEpoch: bytes === null ? null : Math.round(bytes / epochs),
          spread: st.epochMetrics.flatMap((e) => (e.rounds ?? []).map((r) => Number(r.spread.toFixed(3)))),
        };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    for (const w of workers) await w.close();
    await coord.close();
    const ks = await client.redis.keys(`${prefix}:*`);
    if (ks.length) await client.redis.del(...ks);
    await client.close();
  }
}

const redis = await startPrivateRedis();
if (!redis) log('no redis-server on PATH: using REDIS_URL, Redis bytes not measured');
const config = { preset: values.preset, limit, testLimit, epochs, seeds, shards: shardCounts, policy, batchSize, settings: shardCounts.map((S) => ({ shards: S, settings: settingNames.map((n) => setting(n, S)) })), cores: availableParallelism(), loadAverage: loadavg()[0] };
const localRuns: Record<number, { accuracy: number; seconds: number }> = {};
const runs: Record<string, unknown>[] = [];
try {
  for (const seed of seeds) {
    log(`local, seed ${seed}...`);
    localRuns[seed] = await local(seed);
    for (const S of shardCounts) {
      for (const s of settingNames.map((n) => setting(n, S))) {
        log(`S=${S} ${s.name} seed ${seed}...`);
        const r = await distributed(redis, S, seed, s);
        runs.push({ shards: S, setting: s.name, seed, ...r, local: localRuns[seed].accuracy, gap: r.accuracy - localRuns[seed].accuracy });
        log(`S=${S} ${s.name} seed ${seed}: ${r.accuracy} (local ${localRuns[seed].accuracy}), ${r.seconds.toFixed(0)} s`);
      }
    }
  }
} finally {
  await redis?.stop();
}
const summary = shardCounts.flatMap((S) => settingNames.map((n) => setting(n, S)).map((s) => {
  const rs = runs.filter((r) => r.shards === S && r.setting === s.name) as unknown as (DistRun & { gap: number })[];
  const mean = (f: (r: DistRun & { gap: number }) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  return { shards: S, setting: s.name, accuracy: mean((r) => r.accuracy), gap: mean((r) => r.gap), seconds: mean((r) => r.seconds), redisBytesPerEpoch: rs[0]?.redisBytesPerEpoch ?? null };
}));
process.stdout.write(`${JSON.stringify({ config, local: localRuns, runs, summary }, null, 2)}\n`);
process.exit(0);
