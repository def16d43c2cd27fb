/**
 * Load on the HTTP API while a real job trains: `tensorpool serve` as its own
 * process (with a token) on 127.0.0.1, an in-process Coordinator and one
 * ShardWorker training a tiny conv net on Fashion-MNIST, and autocannon with
 * 200 connections polling GET /jobs/:id and GET /jobs for --duration seconds.
 * Loopback only, bounded in time, own Redis key prefix (deleted after).
 * Prints one JSON object on one line (bench/run.ts reads the last such line):
 * requests, non-2xx, errors, timeouts, p50/p90/p99 latency, and whether the
 * job kept training (epochs done during the load).
 *
 *   npx tsc -b && node bench/dist/api-load.js [--duration 20] [--connections 200]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Coordinator, QueueClient, ShardWorker, silentLogger } from '@tensorpool/queue';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0 || v > 600) throw new Error(`--${name} must be a number in (0, 600], got '${process.argv[i + 1]}'`);
  return v;
}
const duration = arg('duration', 20);
const connections = arg('connections', 200);

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../../packages/cli/dist/main.js');
const TINY_SPEC = {
  name: 'tiny-fashion', inputShape: [28, 28, 1],
  labels: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  layers: [{ type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' }, { type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }],
};

const prefix = `tp-bench-api-${process.pid}`;
const token = randomBytes(24).toString('base64url');
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-api-'));
const client = new QueueClient({ prefix });
const coordinator = new Coordinator({ prefix, threads: 1, modelsDir: join(dir, 'models'), log: silentLogger });
const worker = new ShardWorker({ prefix, threads: 1, id: 'bench-api-w0', log: silentLogger });
const server = spawn(process.execPath, [MAIN, 'serve', '--host', '127.0.0.1', '--port', '0'], {
  env: { ...process.env, TENSORPOOL_PREFIX: prefix, TENSORPOOL_API_TOKEN: token, FORCE_COLOR: '0' }, stdio: ['ignore', 'ignore', 'pipe'],
});

/** The port `serve` reports once it listens. */
function serverPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    server.stderr!.on('data', (d) => {
      out += d;
      const m = /api listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

try {
  const port = await serverPort();
  await coordinator.start();
  await worker.start();
  const url = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/jobs`, { method: 'POST', headers, body: JSON.stringify({ spec: TINY_SPEC, data: 'fashion-mnist', epochs: 100, shards: 1, limit: 1024, testLimit: 200, batchSize: 16, seed: 7 }) });
  if (created.status !== 201) throw new Error(`POST /jobs: ${created.status} ${await created.text()}`);
  const { jobId } = (await created.json()) as { jobId: string };
  await waitFor(async () => ((await client.status(jobId)).state === 'running' ? true : undefined), 'the job to start');
  const before = await client.status(jobId);

  const r = await autocannon({
    url, connections, duration, headers: { authorization: headers.authorization },
    requests: [{ method: 'GET', path: `/jobs/${jobId}` }, { method: 'GET', path: '/jobs' }],
  });
  const after = await client.status(jobId);
  await fetch(`${url}/jobs/${jobId}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
  console.log(JSON.stringify({
    connections, durationS: duration,
    requests: r.requests.total, requestsPerSecond: r.requests.average,
    ok2xx: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    job: { state: after.state, epochsDuringLoad: after.epoch - before.epoch, progressDuringLoad: Number((after.progress - before.progress).toFixed(4)) },
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
  }));
} finally {
  server.kill('SIGTERM');
  await worker.close();
  await coordinator.close();
  const ks = await client.redis.keys(`${prefix}:*`);
  if (ks.length) await client.redis.del(...ks);
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
