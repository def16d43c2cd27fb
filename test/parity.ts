/**
 * Accuracy parity of distributed training (S shards, one local epoch per
 * shard, weights averaged) against local data-parallel training, same data,
 * seed, batch size and epochs. Not part of the test suite (minutes of CPU):
 *
 *   npx tsc -b test && node test/dist/parity.js --limit 8192 --test-limit 10000 --epochs 3 --shards 2 --policies average,per-shard,reset
 *     [--sync-every R] [--outer average|momentum|nesterov] [--outer-lr a] [--outer-momentum m]
 *
 * Prints one JSON line per run and a summary. Uses the real Redis (own prefix,
 * cleaned up), an in-process coordinator and S in-process workers with
 * 1 thread each; local training uses S threads.
 */
import { parseArgs } from 'node:util';
import { initialWeights, getPreset } from '@tensorpool/engine';
import { loadDataset } from '@tensorpool/data';
import { Trainer } from '@tensorpool/training';
import { Coordinator, QueueClient, ShardWorker, type OptimizerPolicy, type OuterOptimizer } from '@tensorpool/queue';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'fashion-mnist' },
    limit: { type: 'string', default: '8192' },
    'test-limit': { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '3' },
    shards: { type: 'string', default: '2' },
    seed: { type: 'string', default: '42' },
    'batch-size': { type: 'string', default: '32' },
    policies: { type: 'string', default: 'average' },
    'skip-local': { type: 'boolean', default: false },
    'sync-every': { type: 'string', default: '1' },
    outer: { type: 'string', default: 'average' },
    'outer-lr': { type: 'string', default: '1' },
    'outer-momentum': { type: 'string', default: '0' },
  },
});
const spec = getPreset(values.preset!);
const limit = Number(values.limit), testLimit = Number(values['test-limit']), epochs = Number(values.epochs);
const shards = Number(values.shards), seed = Number(values.seed), batchSize = Number(values['batch-size']);
const rounds = { syncEvery: Number(values['sync-every']), outer: values.outer as OuterOptimizer, outerLr: Number(values['outer-lr']), outerMomentum: Number(values['outer-momentum']) };

async function local(): Promise<number> {
  const d = await loadDataset('fashion-mnist', { limit, testLimit });
  const t = await Trainer.create({ spec, threads: shards, batchSize });
  try {
    let weights = initialWeights(spec, seed);
    let adam;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const r = await t.trainEpoch({ train: d.train, weights, adam, epoch, seed, batchSize, augment: 'none', normalization: 'div256' });
      weights = r.weights;
      adam = r.adam;
    }
    t.setWeights(weights);
    return (await t.evaluate(d.test, { normalization: 'div256' })).accuracy;
  } finally {
    await t.close();
  }
}

async function distributed(optimizer: OptimizerPolicy): Promise<{ accuracy: number; epochs: unknown[] }> {
  const prefix = `tp-parity-${process.pid}-${optimizer}`;
  const coord = new Coordinator({ prefix, threads: shards, modelsDir: `/tmp/tp-parity-${process.pid}` });
  const workers = Array.from({ length: shards }, (_, i) => new ShardWorker({ prefix, threads: 1, id: `p${i}` }));
  const client = new QueueClient({ prefix });
  try {
    await coord.start();
    for (const w of workers) await w.start();
    const { jobId } = await client.enqueue({ preset: values.preset, data: 'fashion-mnist', epochs, shards, seed, batchSize, limit, testLimit, optimizer, ...rounds });
    for (;;) {
      const s = await client.status(jobId);
      if (s.state === 'failed' || s.state === 'cancelled') throw new Error(`${optimizer}: ${s.state}: ${s.error}`);
      if (s.state === 'completed') {
        const m = await client.metrics(jobId);
        return { accuracy: m.testAccuracy as number, epochs: s.epochMetrics.map((e) => ({ epoch: e.epoch, loss: e.loss, valAccuracy: e.valAccuracy, spread: e.rounds?.map((r) => Number(r.spread.toFixed(3))) })) };
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    for (const w of workers) await w.close();
    await coord.close();
    const ks = await client.redis.keys(`${prefix}:*`);
    if (ks.length) await client.redis.del(...ks);
    await client.close();
  }
}

const base = { preset: values.preset, limit, testLimit, epochs, shards, seed, batchSize, ...rounds };
const summary: Record<string, number> = {};
if (!values['skip-local']) {
  const t0 = Date.now();
  summary.local = await local();
  console.log(JSON.stringify({ ...base, run: 'local', testAccuracy: summary.local, seconds: (Date.now() - t0) / 1000 }));
}
for (const p of values.policies!.split(',') as OptimizerPolicy[]) {
  const t0 = Date.now();
  const r = await distributed(p);
  summary[p] = r.accuracy;
  console.log(JSON.stringify({ ...base, run: `distributed/${p}`, testAccuracy: r.accuracy, epochMetrics: r.epochs, seconds: (Date.now() - t0) / 1000 }));
}
console.log(JSON.stringify({ summary }));
process.exit(0);
