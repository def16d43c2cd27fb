/**
 * Wall-time cost of syncing more often and of the split batch, measured as
 * ratios of runs alternated in one process (the machine's load changes
 * between runs; ratios of interleaved medians are what can be compared).
 * For each shard count S: one epoch of fashion-mnist with S in-process
 * workers × 1 thread (bench/parity-runs.ts), for each setting:
 *   r1     once per epoch, the batch split over the shards (32 / S per shard)
 *   r4     4 rounds per epoch, same shard batch      -> r4 / r1: the extra flows
 *   r1@32  once per epoch, each shard a whole batch of 32 -> r1 / r1@32: small batches
 *   r4@32  4 rounds per epoch at 32 per shard         -> r4@32 / r1@32: the extra flows at 32
 * Time is the job's epoch time (the coordinator's epoch metrics: first shard
 * queued to the epoch averaged and evaluated), not process start-up.
 *
 *   node bench/dist/sync-cost.js [--limit 20000] [--test-limit 1000] [--shards 2,4] [--reps 2] [--settings r1,r4,r1@32,r4@32]
 */
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { distributedRun, parseSetting } from './parity-runs.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '20000' },
    'test-limit': { type: 'string', default: '1000' },
    shards: { type: 'string', default: '2,4' },
    reps: { type: 'string', default: '2' },
    settings: { type: 'string', default: 'r1,r4,r1@32,r4@32' },
  },
});
const SETTINGS = { r1: '1:nesterov:0.7:0.9', r4: '4:nesterov:0.7:0.9', 'r1@32': '1:nesterov:0.7:0.9@32', 'r4@32': '4:nesterov:0.7:0.9@32' } as const;
type Name = keyof typeof SETTINGS;
const data = { preset: 'fashion-mnist', limit: Number(values.limit), testLimit: Number(values['test-limit']), epochs: 1, seed: 42, batchSize: 32 };
const shardCounts = values.shards!.split(',').map(Number);
const reps = Number(values.reps);
const log = (s: string) => process.stderr.write(`bench:sync-cost: ${s}\n`);

const times: Record<string, number[]> = {};
const runs: Record<string, unknown>[] = [];
const loads: number[] = [];
for (let rep = 0; rep < reps; rep++) {
  for (const S of shardCounts) {
    // Alternate the order within a rep too, so no setting always runs first.
    const names = values.settings!.split(',') as Name[];
    if (rep % 2 === 1) names.reverse();
    for (const name of names) {
      const setting = { ...parseSetting(SETTINGS[name], S, data.batchSize), name };
      loads.push(loadavg()[0]);
      const r = await distributedRun(data, { shards: S, setting, prefix: `tp-bench-sync-cost-${process.pid}-${S}-${name.replace('@', '_')}-${rep}` });
      (times[`${S}/${name}`] ??= []).push(r.epochSeconds[0]);
      runs.push({ rep, shards: S, setting: name, shardBatchSize: r.shardBatchSize, syncEvery: r.syncEvery, epochSeconds: r.epochSeconds[0], seconds: r.seconds, accuracy: r.accuracy });
      log(JSON.stringify(runs[runs.length - 1]));
    }
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const m = (S: number, n: Name) => (times[`${S}/${n}`] ? median(times[`${S}/${n}`]) : undefined);
/** Ratio of two settings' medians (null when one was not run). */
const ratio = (S: number, a: Name, b: Name) => {
  const x = m(S, a), y = m(S, b);
  return x !== undefined && y !== undefined ? x / y : null;
};
const ratios = shardCounts.map((S) => ({
  shards: S,
  medianEpochSeconds: Object.fromEntries(Object.keys(times).filter((k) => k.startsWith(`${S}/`)).map((k) => [k.slice(k.indexOf('/') + 1), median(times[k])])),
  extraFlows: ratio(S, 'r4', 'r1'),
  extraFlowsAt32: ratio(S, 'r4@32', 'r1@32'),
  splitBatch: ratio(S, 'r1', 'r1@32'),
}));
process.stdout.write(`${JSON.stringify({ config: { ...data, shards: shardCounts, reps, settings: SETTINGS, cores: availableParallelism(), loadAverage: { min: Math.min(...loads), max: Math.max(...loads) } }, runs, ratios }, null, 2)}\n`);
process.exit(0);
