/**
 * Runs tensorpool's distributed roles as real child processes
 * (`node packages/cli/dist/main.js coordinator|worker ...`) against the real
 * Redis under a key prefix of the test's own, and cleans up after it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueClient, type JobStatus } from '@tensorpool/queue';
import { TINY_SPEC } from '@tensorpool/api/testing/runs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'packages/cli/dist/main.js');

/** A small conv net for 28x28x1 so shards take seconds on a shared core (one definition, shared with the dashboard tests). */
export { TINY_SPEC };

/** A test-hook announcement (packages/queue/src/test-hooks.ts) parsed from a process's stderr. */
export interface HookLine {
  at: string;
  epoch: number;
  shard?: number;
  step?: number;
  paused: boolean;
  proc: Proc;
}

export interface Proc {
  child: ChildProcess;
  name: string;
  output(): string;
  exited: Promise<number | null>;
  /**
   * Resolves with the first line matching `re` printed after character `from`
   * of output() (default 0: already printed or to come); rejects if the process exits first.
   */
  waitForLine(re: RegExp, from?: number): Promise<string>;
  /** Lets a process paused at a test hook go on (SIGUSR2). */
  release(): void;
}

/** TENSORPOOL_TEST_HOOKS for a process (rules: see packages/queue/src/test-hooks.ts). */
/** Largest |a[i] - b[i]| of two weight vectors of the same length (throws otherwise). */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`weight vectors differ in length: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function hooks(...rules: object[]): Record<string, string> {
  return { TENSORPOOL_TEST_HOOKS: JSON.stringify(rules) };
}

const HOOK_RE = /^tensorpool-test-hook: (\S+) epoch=(\d+)(?: shard=(\d+))?(?: step=(\d+))? pid=\d+( paused)?$/;

function parseHook(line: string, proc: Proc): HookLine | undefined {
  const m = HOOK_RE.exec(line);
  if (!m) return undefined;
  return { at: m[1], epoch: Number(m[2]), ...(m[3] ? { shard: Number(m[3]) } : {}), ...(m[4] ? { step: Number(m[4]) } : {}), paused: Boolean(m[5]), proc };
}

export class Cluster {
  readonly prefix: string;
  readonly dir: string;
  readonly specFile: string;
  readonly client: QueueClient;
  readonly env: NodeJS.ProcessEnv;
  private readonly procs: Proc[] = [];
  private readonly hookListeners: Array<(h: HookLine) => void> = [];

  constructor(name: string, env: Record<string, string> = {}) {
    const redisUrl = env.REDIS_URL;
    this.prefix = `tp-e2e-${name}-${process.pid}-${Date.now().toString(36)}`;
    this.dir = mkdtempSync(join(tmpdir(), `tp-e2e-${name}-`));
    this.specFile = join(this.dir, 'tiny.json');
    writeFileSync(this.specFile, JSON.stringify(TINY_SPEC));
    // Short leases so a killed worker's shard is handed on within seconds.
    this.env = {
      ...process.env, TENSORPOOL_PREFIX: this.prefix, TENSORPOOL_LOCK_MS: '5000', TENSORPOOL_STALLED_MS: '2000',
      FORCE_COLOR: '0', ...env,
    };
    this.client = new QueueClient({ prefix: this.prefix, ...(redisUrl ? { redisUrl } : {}) });
  }

  start(name: string, args: string[], env: Record<string, string> = {}): Proc {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const lineWaiters = new Set<(line: string) => void>();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const p: Proc = {
      child, name, output: () => out, exited,
      waitForLine: (re, from = 0) => new Promise<string>((resolve, reject) => {
        const timeoutMs = 120_000;
        const seen = out.slice(from).split('\n').find((l) => re.test(l));
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${re} from ${name}\n${this.logs()}`)), timeoutMs);
        const onLine = (l: string) => re.test(l) && done(undefined, l);
        const onExit = () => done(new Error(`${name} exited before printing ${re}\n${this.logs()}`));
        function done(e?: Error, l?: string) {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          child.off('exit', onExit);
          if (e) reject(e);
          else resolve(l!);
        }
        lineWaiters.add(onLine);
        child.once('exit', onExit);
      }),
      release: () => void child.kill('SIGUSR2'),
    };
    // Lines are split per stream (a line of stdout and one of stderr may arrive interleaved).
    const lineReader = () => {
      let partial = '';
      return (d: Buffer) => {
        out += d;
        partial += d;
        const lines = partial.split('\n');
        partial = lines.pop()!;
        for (const l of lines) {
          for (const w of [...lineWaiters]) w(l);
          const h = parseHook(l, p);
          if (h) for (const f of this.hookListeners) f(h);
        }
      };
    };
    child.stdout!.on('data', lineReader());
    child.stderr!.on('data', lineReader());
    this.procs.push(p);
    return p;
  }

  /** Calls `f` for every test-hook announcement of every process started from now on. */
  onHook(f: (h: HookLine) => void): void {
    this.hookListeners.push(f);
  }

  /** Final weights of a completed job, from its saved model (weights.bin). */
  async finalWeights(jobId: string): Promise<Float32Array> {
    const dir = (await this.client.metrics(jobId)).modelDir as string;
    const b = readFileSync(join(dir, 'weights.bin'));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  }

  coordinator(env: Record<string, string> = {}, name = 'coordinator'): Proc {
    return this.start(name, ['coordinator', '--threads', '1', '--models-dir', join(this.dir, 'models')], env);
  }

  worker(id: string, env: Record<string, string> = {}): Proc {
    return this.start(id, ['worker', '--threads', '1', '--id', id], env);
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
