/**
 * Runs tensorpool's distributed roles as real child processes
 * (`node packages/cli/dist/main.js coordinator|worker ...`) against the real
 * Redis under a key prefix of the test's own, and cleans up after it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueClient, type JobStatus } from '@tensorpool/queue';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'packages/cli/dist/main.js');

/** A small conv net for 28x28x1 so shards take seconds on a shared core. */
export const TINY_SPEC = {
  name: 'tiny-fashion',
  inputShape: [28, 28, 1],
  labels: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

export interface Proc {
  child: ChildProcess;
  name: string;
  output(): string;
  exited: Promise<number | null>;
}

export class Cluster {
  readonly prefix: string;
  readonly dir: string;
  readonly specFile: string;
  readonly client: QueueClient;
  readonly env: NodeJS.ProcessEnv;
  private readonly procs: Proc[] = [];

  constructor(name: string, env: Record<string, string> = {}) {
    this.prefix = `tp-e2e-${name}-${process.pid}-${Date.now().toString(36)}`;
    this.dir = mkdtempSync(join(tmpdir(), `tp-e2e-${name}-`));
    this.specFile = join(this.dir, 'tiny.json');
    writeFileSync(this.specFile, JSON.stringify(TINY_SPEC));
    // Short leases so a killed worker's shard is handed on within seconds.
    this.env = {
      ...process.env, TENSORPOOL_PREFIX: this.prefix, TENSORPOOL_LOCK_MS: '5000', TENSORPOOL_STALLED_MS: '2000',
      FORCE_COLOR: '0', ...env,
    };
    this.client = new QueueClient({ prefix: this.prefix });
  }

  start(name: string, args: string[], env: Record<string, string> = {}): Proc {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const p = { child, name, output: () => out, exited };
    this.procs.push(p);
    return p;
  }

  coordinator(env: Record<string, string> = {}): Proc {
    return this.start('coordinator', ['coordinator', '--threads', '1', '--models-dir', join(this.dir, 'models')], env);
  }

  worker(id: string): Proc {
    return this.start(id, ['worker', '--threads', '1', '--id', id]);
  }

  /** Resolves once these workers' heartbeats are in Redis (they are connected and idle). */
  waitForWorkers(...ids: string[]): Promise<boolean> {
    return this.waitFor(`workers ${ids.join(', ')} to start`, async () => {
      const n = await Promise.all(ids.map((id) => this.client.redis.exists(this.client.keys.worker(id))));
      return n.every((x) => x === 1);
    }, 60_000);
  }

  /** Runs a CLI command to completion. */
  cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...this.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `tensorpool enqueue` of a small Fashion-MNIST job; returns the job id. */
  enqueue(extra: string[] = []): string {
    const r = this.cli(['enqueue', '--spec', this.specFile, '--data', 'fashion-mnist', '--epochs', '2', '--shards', '2',
      '--limit', '512', '--test-limit', '200', '--batch-size', '16', '--lr', '0.003', '--seed', '7', '--json', ...extra]);
    if (r.code !== 0) throw new Error(`enqueue failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { jobId: string }).jobId;
  }

  async waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 150_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${this.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  waitForState(jobId: string, states: string[] = ['completed', 'failed', 'cancelled'], timeoutMs?: number): Promise<JobStatus> {
    return this.waitFor(`job ${jobId} to reach ${states.join('|')}`, async () => {
      const s = await this.client.status(jobId);
      return states.includes(s.state) ? s : undefined;
    }, timeoutMs);
  }

  logs(): string {
    return this.procs.map((p) => `--- ${p.name} ---\n${p.output().slice(-3000)}`).join('\n');
  }

  async close(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.exited));
    const ks = await this.client.redis.keys(`${this.prefix}:*`);
    if (ks.length) await this.client.redis.del(...ks);
    await this.client.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
