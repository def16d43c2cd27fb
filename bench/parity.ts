/**
 * `pnpm bench:parity`: accuracy of distributed training against local
 * training, same data, seed, global batch and epochs, for each shard count S
 * and each setting (rounds per epoch R, outer optimizer, per-shard batch),
 * and what it costs: wall time and bytes moved through Redis per epoch.
 * Prints one JSON line per run on stderr as it finishes, then one JSON
 * object (config, runs, a summary per S and setting) on stdout.
 *
 *   pnpm bench:parity [--limit 60000] [--test-limit 10000] [--epochs 3] [--seeds 42,7]
 *                     [--shards 2,4,8] [--settings default,before,r4-nesterov] [--policies default,per-shard]
 *                     [--batch-size 32] [--local-threads N] [--skip-local]
 *
 * Settings (bench/parity-runs.ts): `default` (what a job without sync or
 * batch options gets), `before` (the behaviour before rounds and the batch
 * split: once per epoch, plain averaging, every shard a whole --batch-size),
 * `once`, `r{1,2,4}-{average,nesterov}`, or `R:outer:lr:momentum`; `@B`
 * appended sets the per-shard batch (`r4-nesterov@32`), otherwise the job's
 * --batch-size is split over the shards; `~F` last multiplies the shards'
 * Adam learning rate by F (`4:nesterov:1.0:0.9~0.71`). Local training steps on the whole
 * --batch-size (32) and runs once per seed on --local-threads (default all
 * cores; its accuracy does not depend on the thread count beyond float
 * summation order). Distributed runs use an in-process coordinator and S
 * in-process workers with 1 thread each against a private redis-server on a
 * free port (so its INFO byte counters are this run's alone; they include
 * BullMQ's own traffic); without `redis-server` on PATH it falls back to
 * REDIS_URL and reports no bytes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { DEFAULTS } from '@tensorpool/core';
import type { OptimizerPolicy } from '@tensorpool/queue';
import { distributedRun, localRun, parseSetting, type DistRun, type LocalRun, type Setting } from './parity-runs.js';
import { startPrivateRedis } from './private-redis.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'fashion-mnist' },
    limit: { type: 'string', default: '60000' },
    'test-limit': { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '3' },
    seeds: { type: 'string', default: '42,7' },
    shards: { type: 'string', default: '2,4,8' },
    settings: { type: 'string', default: 'default,before,r4-nesterov' },
    // 'default': the job's own default Adam policy at that S (schema.ts optimizerFor).
    policies: { type: 'string', default: 'default' },
    'batch-size': { type: 'string', default: String(DEFAULTS.batchSize) },
    'local-threads': { type: 'string', default: String(availableParallelism()) },
    'skip-local': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  // The usage is this file's header comment, so it cannot drift from it.
  const src = readFileSync(new URL('../parity.ts', import.meta.url), 'utf8');
  process.stdout.write(`${src.slice(src.indexOf('/**') + 3, src.indexOf('*/')).replace(/^ \* ?/gm, '').trim()}\n`);
  process.exit(0);
}
const batchSize = Number(values['batch-size']);
const data = (seed: number) => ({ preset: values.preset!, limit: Number(values.limit), testLimit: Number(values['test-limit']), epochs: Number(values.epochs), seed, batchSize });
const seeds = values.seeds!.split(',').map(Number);
const shardCounts = values.shards!.split(',').map(Number);
const policies = values.policies!.split(',') as (OptimizerPolicy | 'default')[];
const settings = (S: number): Setting[] => values.settings!.split(',').map((n) => parseSetting(n, S, batchSize));
const log = (s: string) => process.stderr.write(`bench:parity: ${s}\n`);

const redis = await startPrivateRedis();
if (!redis) log('no redis-server on PATH: using REDIS_URL, Redis bytes not measured');
const config = { ...data(seeds[0]), seeds, shards: shardCounts, policies, settings: shardCounts.map((S) => ({ shards: S, settings: settings(S) })), cores: availableParallelism(), loadAverage: loadavg()[0] };
const localRuns: Record<number, LocalRun> = {};
type Run = DistRun & { shards: number; setting: string; policy: OptimizerPolicy | 'default'; seed: number; local: number | null; gap: number | null };
const runs: Run[] = [];
try {
  for (const seed of seeds) {
    if (!values['skip-local']) {
      log(`local, seed ${seed}...`);
      localRuns[seed] = await localRun(data(seed), Number(values['local-threads']));
      log(JSON.stringify({ run: 'local', seed, batchSize, ...localRuns[seed] }));
    }
    for (const S of shardCounts) {
      for (const s of settings(S)) {
        for (const policy of policies) {
          const prefix = `tp-bench-parity-${process.pid}-${S}-${seed}-${policy}-${s.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
          const r = await distributedRun(data(seed), { shards: S, setting: s, policy: policy === 'default' ? undefined : policy, prefix, redisUrl: redis?.url, measureBytes: redis !== undefined });
          const local = localRuns[seed]?.accuracy ?? null;
          const run: Run = { shards: S, setting: s.name, policy, seed, ...r, local, gap: local === null ? null : r.accuracy - local };
          runs.push(run);
          log(JSON.stringify({ run: 'distributed', ...run }));
        }
      }
    }
  }
} finally {
  await redis?.stop();
}
const summary = shardCounts.flatMap((S) => settings(S).flatMap((s) => policies.map((policy) => {
  const rs = runs.filter((r) => r.shards === S && r.setting === s.name && r.policy === policy);
  const mean = (f: (r: Run) => number | null) => (rs.some((r) => f(r) === null) ? null : rs.reduce((a, r) => a + f(r)!, 0) / rs.length);
  return { shards: S, setting: s.name, policy, shardBatchSize: rs[0]?.shardBatchSize, syncEvery: s.syncEvery, accuracy: mean((r) => r.accuracy), gap: mean((r) => r.gap), seconds: mean((r) => r.seconds), redisBytesPerEpoch: rs[0]?.redisBytesPerEpoch ?? null };
})));
process.stdout.write(`${JSON.stringify({ config, local: localRuns, runs, summary }, null, 2)}\n`);
process.exit(0);
