/**
 * Time for a worker to start its first shard of a job on a store dataset,
 * with a cold dataset cache (fetch from the store, verify, write, read)
 * against a warm one (read the cached file), alternating in one run.
 *
 * Each trial: a job (1 epoch, 1 shard) is enqueued and the bench waits until
 * its shard is queued (an in-process coordinator, whose own cache is warm);
 * then a fresh `tensorpool worker` process is started with its own
 * TENSORPOOL_CACHE_DIR (empty = cold, already holding the dataset = warm) and
 * the clock runs from its spawn (and, apart, from its `ready` log line, which
 * leaves out loading node modules: on a loaded machine most of the spawn
 * figure) to the `shard-step step=1` test hook
 * (packages/queue/src/test-hooks.ts), i.e. the end of the first training step
 * of its first shard. Both sides include the same process start, tfjs set-up
 * and trainer threads; the difference is the dataset. The worker pauses at the
 * hook, the job is cancelled, the worker released and stopped with SIGTERM.
 * Also reported: `ready` to the worker's `training steps` log line (the shard
 * taken and its dataset loaded, before the trainer threads start), the part a
 * cold cache changes. Medians over the trials.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Coordinator, QueueClient } from '@tensorpool/queue';

const MAIN = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const HOOKS = JSON.stringify([{ at: 'shard-step', epoch: 0, shard: 0, step: 1, pause: true }]);

export interface FirstShardOptions {
  redisUrl: string;
  prefix: string;
  /** Store id of the dataset (already pushed under `prefix`). */
  dataset: string;
  /** Scratch directory: cache dirs and the coordinator's models go under it. */
  work: string;
  /** A cache directory that already holds the dataset. */
  warmDir: string;
  /** Trials per side (alternating cold, warm, cold, ...). */
  trials?: number;
}

type Phase = 'seconds' | 'fromReady' | 'readyToData';
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  /** From the spawn to the end of the first step. */
  seconds: number;
  /** From the worker's `ready` log line (modules loaded, connected) to the end of the first step. */
  fromReady: number;
  /** From `ready` to its `training steps` log line: shard taken, dataset loaded, shard selected (no trainer yet). */
  readyToData: number;
  /** Releases the paused worker and stops it (SIGTERM: it finishes or aborts its shard, then exits). */
  stop(): Promise<void>;
}

/** Spawns a worker; resolves at its first training step (paused there) with the seconds since the spawn. */
async function startWorker(o: FirstShardOptions, cacheDir: string): Promise<Started> {
  const env = { ...process.env, REDIS_URL: o.redisUrl, TENSORPOOL_PREFIX: o.prefix, TENSORPOOL_CACHE_DIR: cacheDir, TENSORPOOL_TEST_HOOKS: HOOKS };
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, 'worker', '--threads', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    child.kill('SIGUSR2');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  let err = '';
  let ready = NaN;
  let data = NaN;
  const s = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err = (err + text).slice(-4000);
      if (Number.isNaN(ready) && /worker \S+ ready/.test(err)) ready = seconds(t0);
      if (Number.isNaN(data) && /: training steps \d+\.\.\d+ of \d+ samples/.test(err)) data = seconds(t0);
      if (/tensorpool-test-hook: shard-step epoch=0 shard=0 step=1 .*paused/.test(err)) resolve(seconds(t0));
    });
    void exited.then((code) => reject(new Error(`worker exited (${code}) before its first step: ${err}`)));
    // Never left behind: a worker that has not trained a step in 10 minutes is killed (and reported by `exited`).
    setTimeout(() => child.kill('SIGKILL'), 600_000).unref();
  });
  return { seconds: s, fromReady: s - ready, readyToData: data - ready, stop };
}

async function shardQueued(client: QueueClient): Promise<void> {
  for (let i = 0; (await client.stats()).shardsWaiting < 1; i++) {
    if (i > 600) throw new Error('first-shard bench: the shard was never queued');
    await sleep(50);
  }
}

export async function firstShardBench(o: FirstShardOptions): Promise<Record<string, unknown>> {
  process.env.TENSORPOOL_CACHE_DIR = o.warmDir; // the coordinator's cache: warm, so it is out of the measurement
  const coord = new Coordinator({ redisUrl: o.redisUrl, prefix: o.prefix, threads: 1, modelsDir: join(o.work, 'models') });
  const client = new QueueClient({ redisUrl: o.redisUrl, prefix: o.prefix });
  await coord.start();
  const cold: Started[] = [];
  const warm: Started[] = [];
  try {
    const trials = o.trials ?? 2;
    for (let t = 0; t < 2 * trials; t++) {
      const isCold = t % 2 === 0;
      const { jobId } = await client.enqueue({ preset: 'fashion-mnist', data: o.dataset, epochs: 1, shards: 1, seed: t }, { origin: 'local' });
      await shardQueued(client);
      const dir = isCold ? join(o.work, `cold-${t}`) : o.warmDir;
      mkdirSync(dir, { recursive: true });
      const w = await startWorker(o, dir);
      (isCold ? cold : warm).push(w);
      await client.cancel(jobId); // before the release, so the worker aborts the shard instead of training it
      await w.stop();
    }
  } finally {
    await client.close();
    await coord.close();
  }
  // Medians: on a shared machine one trial can stall for seconds on something else's load.
  const median = (xs: Started[], k: Phase) => {
    const v = xs.map((x) => x[k]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const side = (k: Phase) => ({
    coldSeconds: r3(median(cold, k)), warmSeconds: r3(median(warm, k)), coldMinusWarmSeconds: r3(median(cold, k) - median(warm, k)),
    coldOverWarm: Math.round((median(cold, k) / median(warm, k)) * 100) / 100,
    coldEach: cold.map((x) => r3(x[k])), warmEach: warm.map((x) => r3(x[k])),
  });
  return { trials: cold.length, firstStepFromSpawn: side('seconds'), firstStepFromReady: side('fromReady'), datasetFromReady: side('readyToData') };
}
