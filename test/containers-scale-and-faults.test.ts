// The image from infra/Dockerfile, run as the stack infra/podman/up.sh brings
// up (the docker-compose.yml services with plain podman): Redis with AOF on a
// volume, coordinator, API (token on), one worker; read-only root filesystems,
// Node as PID 1. A job enqueued through the API from the host; while it runs
// the workers are scaled to 3, one gets SIGTERM (it finishes its
// shard and exits 0), one `podman kill` (SIGKILL: its shard is redone
// elsewhere), and Redis is restarted. The job completes, its metrics come
// through the API, the model lands in the mounted models directory, each
// shard result is counted once, and the final weights equal those of the same
// job run without faults (host processes, same code) to 1e-6.
//
// Faults are placed by job state, not time: every shard pauses after its 2nd
// step at a test hook (TENSORPOOL_TEST_HOOKS, released by SIGUSR2), the test
// watches BullMQ's active shard jobs through Redis's published port, and it
// signals a worker only once the hook announced that worker's pause. Between faults it
// pauses the shard queue (BullMQ's pause: running shards finish, none start),
// so the job cannot run out of shards while containers start or stop on a
// busy machine.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShardJobProgress, QueueClient, type JobStatus } from '@tensorpool/queue';
import { Cluster, TINY_SPEC } from './support/cluster.js';
import { buildImage, inspect, logs, podman, sh, PODMAN_DIR, unavailable } from './support/podman.js';

const skip = unavailable();
if (skip) console.warn(`container e2e skipped: ${skip}`);

const EPOCHS = 4;
const SHARDS = 4;
const LIMIT = 8_000; // 2,000 samples per shard
// Every shard pauses after its 2nd step until the worker gets SIGUSR2 (packages/queue/src/test-hooks.ts):
// the test, not the speed of training, decides where each signal lands and when the job may go on.
const HOOKS = JSON.stringify([{ at: 'shard-step', step: 2, pause: true, times: 0 }]);
// Each shard steps on 16 (shardBatchSize, not the split 16/4): 125 steps per shard, so the faults land
// where they did before the batch split (progress is in whole steps, so any shard size would show it).
const JOB = { spec: TINY_SPEC, data: 'fashion-mnist', epochs: EPOCHS, shards: SHARDS, limit: LIMIT, testLimit: 200, batchSize: 16, shardBatchSize: 16, learningRate: 0.003, seed: 7 };
const project = `tp-ctr-${process.pid}`;
const token = randomBytes(24).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'tp-ctr-'));
const models = join(dir, 'models');
const w = (i: number) => `${project}-worker-${i}`;
let api = '';
let observer: QueueClient | undefined;
const ref = new Cluster('ctr-ref');
const t0 = Date.now();
/** Progress on stderr (where a slow CI run spends its time); never asserted on. */
const step = (what: string) => process.stderr.write(`[container e2e +${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}\n`);

function up(workers: number): string {
  return sh('bash', [join(PODMAN_DIR, 'up.sh'), '--project', project, '--workers', String(workers), '--threads', '1',
    '--datasets', '/usr/share/datasets', '--models', models, '--port', '0', '--redis-port', '0', '--restart', 'no',
    // Short leases so the killed worker's shard is handed on within seconds.
    '--env', 'TENSORPOOL_LOCK_MS=5000', '--env', 'TENSORPOOL_STALLED_MS=2000', '--env', `TENSORPOOL_TEST_HOOKS=${HOOKS}`],
  { timeoutMs: 600_000, env: { TENSORPOOL_API_TOKEN: token } }).stdout.trim().split('\n').pop()!;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(api + path, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
}

function stackLogs(): string {
  const names = podman(['ps', '-a', '--filter', `label=tensorpool.project=${project}`, '--format', '{{.Names}}'], { check: false }).stdout.split('\n').filter(Boolean);
  return names.map((n) => `--- ${n} ---\n${logs(n).slice(-3000)}`).join('\n');
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined); // Redis may be restarting
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${stackLogs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The shard job `worker` is training for `jobId`: paused by the hook after its 2nd step (progress written after the 1st). */
function midShard(worker: string, jobId: string) {
  return until(`${worker} to be mid-shard`, async () => {
    const active = await observer!.queues.shards.getActive();
    const j = active.find((x) => {
      const p = parseShardJobProgress(x.progress);
      return x.data.jobId === jobId && x.processedBy === worker && p !== undefined && p.step > 0 && p.step < p.steps / 2;
    });
    // Acted on only once the hook announced the pause, so a signal never lands before it.
    return j && new RegExp(`tensorpool-test-hook: shard-step epoch=${j.data.epoch} shard=${j.data.shard} step=2 .*paused`).test(logs(worker)) ? j : undefined;
  });
}

/** Lets every paused shard of the running workers go on (each pauses once per shard). */
function release(...workers: string[]): void {
  for (const name of workers) podman(['kill', '--signal', 'USR2', name], { check: false });
}

function running(): string[] {
  return podman(['ps', '--filter', `label=tensorpool.project=${project}`, '--format', '{{.Names}}'], { check: false }).stdout
    .split('\n').filter((n) => n.includes('-worker-'));
}

function weights(modelDir: string): Float32Array {
  const b = readFileSync(join(modelDir, 'weights.bin'));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

describe.skipIf(!!skip)('containers: scale workers, SIGTERM, SIGKILL and a Redis restart during a job', () => {
  beforeAll(() => {
    step('base images and image (cached by content hash)');
    buildImage();
    step('image ready');
    sh('mkdir', ['-p', models]);
    chmodSync(dir, 0o755);
  }, 1_800_000);

  afterAll(async () => {
    await observer?.close();
    await ref.close();
    sh('bash', [join(PODMAN_DIR, 'up.sh'), '--project', project, '--down'], { check: false, timeoutMs: 300_000 });
    podman(['volume', 'rm', `${project}-redis-data`], { check: false });
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('completes with each shard counted once and the weights of an undisturbed run', { timeout: 1_800_000 }, async () => {
    // The reference: the same job on host processes, no faults (runs while the containers work).
    ref.coordinator();
    ref.worker('ref-w1');
    const refJob = ref.enqueue(['--epochs', String(EPOCHS), '--shards', String(SHARDS), '--limit', String(LIMIT), '--test-limit', '200', '--shard-batch-size', '16']);

    step('stack with 1 worker');
    api = up(1);
    const redisPort = podman(['port', `${project}-redis`, '6379/tcp']).stdout.trim().split(':').pop();
    observer = new QueueClient({ redisUrl: `redis://127.0.0.1:${redisPort}`, prefix: 'tensorpool' });
    // Every role passed its image health check (up.sh waits for that); the API wants the token.
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await fetch(`${api}/jobs`)).status).toBe(401);
    for (const role of ['coordinator', 'api', 'worker-1']) expect(inspect(`${project}-${role}`, '{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}'), role).toBe('true node');

    const posted = await call('POST', '/jobs', JOB);
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);
    const jobId = posted.json.jobId as string;
    const shards = observer.queues.shards;
    await midShard(w(1), jobId);
    step(`job ${jobId} running on worker 1; scaling to 3`);

    // Scale to 3 workers while the job runs (gated: no shard starts meanwhile).
    await shards.pause();
    up(3);
    expect(inspect(w(3), '{{.State.Running}}')).toBe('true');

    // SIGTERM: worker 2 finishes the shard it is training, then exits 0 (Node is PID 1 and handles it).
    await shards.resume();
    const termed = await midShard(w(2), jobId);
    step('worker 2 mid-shard: SIGTERM, then released');
    await shards.pause();
    podman(['kill', '--signal', 'TERM', w(2)]);
    release(w(2));
    podman(['wait', w(2)], { timeoutMs: 330_000 });
    expect(inspect(w(2), '{{.State.ExitCode}}'), logs(w(2))).toBe('0');
    expect(logs(w(2))).toMatch(new RegExp(`SIGTERM, finishing the current shard[^]*shard ${termed.data.shard} of epoch ${termed.data.epoch + 1}: stored`));

    // SIGKILL: worker 3 loses its shard; the lease expires and another worker redoes it.
    await shards.resume();
    const killed = await midShard(w(3), jobId);
    if (killed.id === termed.id) throw new Error('worker 3 holds the shard worker 2 finished');
    step('worker 3 mid-shard: podman kill');
    await shards.pause();
    podman(['kill', '--signal', 'KILL', w(3)]);
    expect(inspect(w(3), '{{.State.ExitCode}}')).toBe('137');

    // Redis restarts mid-job (the queue is paused, the killed shard not redone yet).
    expect(((await call('GET', `/jobs/${jobId}`)).json as JobStatus).state).toBe('running');
    step('restarting Redis');
    podman(['restart', '-t', '30', `${project}-redis`]);
    await shards.resume();

    const done = await until('the job to finish', async () => {
      release(...running()); // the test drives the job on: each shard waits at its hook until released
      const s = (await call('GET', `/jobs/${jobId}`)).json as JobStatus;
      return ['completed', 'failed', 'cancelled'].includes(s.state) ? s : undefined;
    }, 1_200_000);
    step(`job ${done.state}`);
    expect(done.state, `${done.error}\n${stackLogs()}`).toBe('completed');
    expect(done.epochMetrics.map((e) => e.samples)).toEqual(Array(EPOCHS).fill(LIMIT));
    // With several rounds per epoch a shard's entry lists the worker of each round.
    const ran = (e: number, k: number) => String(done.epochMetrics[e].shards[k].worker).split(',');
    expect(ran(termed.data.epoch, termed.data.shard)).toContain(w(2));
    expect(ran(killed.data.epoch, killed.data.shard)).not.toContain(w(3));
    expect(done.workers).toEqual(expect.arrayContaining([w(1), w(2)]));

    // Each shard result counted once (this Redis is the stack's own: no other job).
    const prom = (await call('GET', '/metrics')).json as string;
    // One result per shard and round (4 shards: 4 rounds per epoch by default).
    expect(done.syncEvery).toBeGreaterThan(1);
    expect(prom).toMatch(new RegExp(`^tensorpool_shards_done ${EPOCHS * SHARDS * done.syncEvery}$`, 'm'));

    const metrics = await call('GET', `/jobs/${jobId}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.json.testSamples).toBe(200);
    expect(metrics.json.testAccuracy).toBeGreaterThan(0.5);
    expect(metrics.json.modelDir ?? done.out).toBe(`/models/${jobId}`);

    const refDone = await ref.waitForState(refJob, undefined, 1_200_000);
    expect(refDone.state, `${refDone.error}\n${ref.logs()}`).toBe('completed');
    const a = weights(join(models, jobId));
    const b = weights((await ref.client.metrics(refJob)).modelDir as string);
    expect(a.length).toBe(b.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});
