/**
 * The cost of distribution (issue 11): one epoch of the fashion-mnist preset
 * on --limit samples trained locally on 2 threads (runTraining, as
 * `tensorpool train`: trainer start, the epoch, test evaluation, saved model)
 * against the same epoch as a distributed job with 2 workers × 1 thread on
 * this machine and the same Redis (REDIS_URL, default 127.0.0.1:6379), runs
 * alternated (local, dist, dist, local, ...), medians reported.
 *
 * overhead = median(distributed wall) / median(local wall) − 1
 *
 * Both sides run in this process, new each run (a new Trainer; a new
 * coordinator and new workers, so cold trainers as in a fresh worker), and
 * start from the decoded dataset (decoded once, before the runs, through the
 * queue's per-process dataset cache: a long-lived worker holds it; the decode
 * time is reported apart). The distributed wall is enqueue -> job completed
 * (coordinator's finishedAt), split along the critical path with the
 * phase spans of packages/queue/src/trace.ts (lanes.ts names the parts).
 *
 *   node bench/dist/dist-cost.js [--limit 20000] [--test-limit 10000] [--reps 2] [--settings default] [--before yes|no]
 *
 * Each setting also runs as `<setting>:cold-eval` (unless --before no): the
 * coordinator's evaluation trainer started at the epoch's end, as before
 * CoordinatorOptions.warmEvaluator, so its saving is a ratio of this run.
 *
 * Settings as in bench/parity-runs.ts; at S=2 `default` is one average per
 * epoch with the batch split (16 per shard: the per-thread batch of the local run).
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { availableParallelism, loadavg } from 'node:os';
import { rm } from 'node:fs/promises';
import { getPreset } from '@tensorpool/engine';
import { runTraining } from '@tensorpool/training';
import { Coordinator, QueueClient, ShardWorker, type Span } from '@tensorpool/queue';
import { datasetFor } from '@tensorpool/queue/datasets';
import { parseSetting, type Setting } from './parity-runs.js';
import { criticalPath, localParts, table, type Parts } from './dist-cost-parts.js';
import { closeInProcessCluster } from './in-process-cluster.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '20000' },
    'test-limit': { type: 'string', default: '10000' },
    reps: { type: 'string', default: '2' },
    settings: { type: 'string', default: 'default' },
    // Also each setting with the coordinator's evaluator trainer started cold at the epoch's end (the behaviour before it was warmed up front).
    before: { type: 'string', default: 'yes' },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const S = 2;
const cfg = { preset: 'fashion-mnist', data: 'fashion-mnist', limit: Number(values.limit), testLimit: Number(values['test-limit']), seed: 42, batchSize: 32, epochs: 1 };
const redisUrl = values['redis-url']!;
const withBefore = values.before !== 'no';
if (!(await redisAnswers(redisUrl))) {
  process.stderr.write(`bench:dist-cost: skipped: no Redis answers at ${redisUrl} (set REDIS_URL)\n`);
  process.stdout.write(`${JSON.stringify({ benchmark: 'dist-cost', skipped: `no Redis at ${redisUrl}` })}\n`);
  process.exit(0);
}
const settings = values.settings!.split(',').map((n) => parseSetting(n, S, cfg.batchSize));
const log = (s: string) => process.stderr.write(`bench:dist-cost: ${s}\n`);
const spec = getPreset(cfg.preset);

const t0 = performance.now();
const data = await datasetFor({ data: cfg.data, limit: cfg.limit, testLimit: cfg.testLimit, spec }, undefined);
const decodeSeconds = (performance.now() - t0) / 1000;

/** wall: seconds; cpu: this process's CPU seconds (user + system, all threads; Redis's own not included). */
interface Run { side: string; rep: number; wall: number; cpu: number; parts: Parts; accuracy: number }
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return Math.round((c.user + c.system) / 1e3) / 1e3;
};

async function local(rep: number): Promise<Run> {
  const out = `/tmp/tp-bench-dist-cost-${process.pid}-local-${rep}`;
  const marks: number[] = [Date.now()];
  const c0 = process.cpuUsage();
  const r = await runTraining({
    spec, train: data.train, test: data.test, epochs: 1, batchSize: cfg.batchSize, threads: S, seed: cfg.seed,
    augment: 'none', normalization: 'div256', outDir: out,
    onEpochStart: () => void marks.push(Date.now()), onEpochEnd: () => void marks.push(Date.now()),
  });
  marks.push(Date.now());
  const cpu = cpuSince(c0);
  await rm(out, { recursive: true, force: true });
  return { side: 'local', rep, wall: (marks[3] - marks[0]) / 1000, cpu, parts: localParts(marks), accuracy: r.testAccuracy };
}

async function distributed(s: Setting, rep: number, warmEvaluator: boolean): Promise<Run> {
  const side = warmEvaluator ? s.name : `${s.name}:cold-eval`;
  const prefix = `tp-bench-dist-cost-${process.pid}-${side.replace(/[^A-Za-z0-9_.-]/g, '_')}-${rep}`;
  const modelsDir = `/tmp/${prefix}`;
  const spans: Span[] = [];
  const trace = (x: Span) => void spans.push(x);
  const coord = new Coordinator({ prefix, redisUrl, threads: S, modelsDir, trace, warmEvaluator });
  const workers = Array.from({ length: S }, (_, i) => new ShardWorker({ prefix, redisUrl, threads: 1, id: `w${i}`, trace }));
  const client = new QueueClient({ prefix, redisUrl });
  try {
    await coord.start();
    const ws = Date.now();
    for (const w of workers) await w.start();
    const workerStart = (Date.now() - ws) / 1000;
    const enqueued = Date.now();
    const c0 = process.cpuUsage();
    const { jobId } = await client.enqueue({
      preset: cfg.preset, data: cfg.data, epochs: 1, shards: S, seed: cfg.seed, batchSize: cfg.batchSize, limit: cfg.limit, testLimit: cfg.testLimit,
      syncEvery: s.syncEvery, outer: s.outer, outerLr: s.outerLr, outerMomentum: s.outerMomentum,
      ...(s.shardBatchSize !== undefined ? { shardBatchSize: s.shardBatchSize } : {}),
    });
    for (;;) {
      const st = await client.status(jobId);
      if (st.state === 'failed' || st.state === 'cancelled') throw new Error(`${s.name}: ${st.state}: ${st.error}`);
      if (st.state === 'completed') {
        const cpu = cpuSince(c0);
        const done = st.finishedAt ? Date.parse(st.finishedAt) : Date.now();
        // The finish span ends after the state says completed (cleanup follows).
        for (let i = 0; i < 200 && !spans.some((x) => x.phase === 'finish'); i++) await new Promise((r) => setTimeout(r, 50));
        const m = await client.metrics(jobId);
        return { side, rep, wall: (done - enqueued) / 1000, cpu, parts: { ...criticalPath(spans, enqueued, done), workerProcessStart: workerStart }, accuracy: m.testAccuracy as number };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await closeInProcessCluster({ workers, coord, client, prefix, modelsDir });
  }
}

const reps = Number(values.reps);
const runs: Run[] = [];
const loads: number[] = [];
for (let rep = 0; rep < reps; rep++) {
  // Alternate which side goes first.
  const order: (() => Promise<Run>)[] = [() => local(rep), ...settings.flatMap((s) => [() => distributed(s, rep, true), ...(withBefore ? [() => distributed(s, rep, false)] : [])])];
  if (rep % 2 === 1) order.reverse();
  for (const run of order) {
    loads.push(loadavg()[0]);
    const r = await run();
    runs.push(r);
    log(JSON.stringify(r));
  }
}
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const sides = ['local', ...settings.flatMap((s) => [s.name, ...(withBefore ? [`${s.name}:cold-eval`] : [])])];
const summary = sides.map((side) => {
  const rs = runs.filter((r) => r.side === side);
  const keys = [...new Set(rs.flatMap((r) => Object.keys(r.parts)))];
  const wall = median(rs.map((r) => r.wall));
  const localWall = median(runs.filter((r) => r.side === 'local').map((r) => r.wall));
  const cpu = median(rs.map((r) => r.cpu));
  const localCpu = median(runs.filter((r) => r.side === 'local').map((r) => r.cpu));
  return {
    side, wall, overhead: side === 'local' ? 0 : wall / localWall - 1, cpu, cpuOverhead: side === 'local' ? 0 : cpu / localCpu - 1, accuracy: median(rs.map((r) => r.accuracy)),
    parts: Object.fromEntries(keys.map((k) => [k, median(rs.map((r) => r.parts[k] ?? 0))])),
  };
});
process.stderr.write(table(summary));
const result = {
  benchmark: 'dist-cost',
  config: { ...cfg, shards: S, threadsLocal: S, threadsPerWorker: 1, reps, redisUrl, settings, cores: availableParallelism(), loadAverage1m: { min: Math.min(...loads), max: Math.max(...loads) }, decodeSeconds },
  runs, summary,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);

/** True when a PING at `url` gets an answer within 2 s (no retries). */
async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}
