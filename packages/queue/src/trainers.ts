/**
 * Warm Trainers (Piscina pools with built replicas) reused across shards of
 * the same model, so a worker pays thread start-up and wasm compilation once
 * per model rather than once per shard. A Trainer is used by one shard at a
 * time; concurrent shards of the same model get one each. A trainer that
 * broke during a shard (Trainer.healthy false) is dropped on release.
 */
import { BackendError } from '@tensorpool/core';
import { resolveBackendName, type ModelSpec } from '@tensorpool/engine';
import { Trainer } from '@tensorpool/training';
import { silentLogger, type Logger } from './log.js';

export interface TrainerKey {
  spec: ModelSpec;
  batchSize: number;
  learningRate: number;
  threads?: number;
}

/** The trainer threads' backend: TENSORPOOL_BACKEND or wasm ('tensorflow' cannot run in worker threads). */
function threadBackend(): 'wasm' | 'cpu' {
  const b = resolveBackendName();
  if (b === 'tensorflow') throw new BackendError("TENSORPOOL_BACKEND=tensorflow cannot run in trainer threads: use 'wasm' or 'cpu' for workers");
  return b;
}

export class TrainerCache {
  private readonly idle = new Map<string, Trainer[]>();
  private readonly all = new Set<Trainer>();

  constructor(private readonly log: Logger = silentLogger) {}

  async acquire(k: TrainerKey): Promise<{ trainer: Trainer; release: () => void }> {
    const key = JSON.stringify([k.spec, k.batchSize, k.learningRate, k.threads ?? 0]);
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    let trainer = list.pop();
    if (!trainer) {
      // A different model evicts idle trainers of other models (memory: one pool per model).
      for (const [other, ts] of this.idle) if (other !== key) for (const t of ts.splice(0)) void this.drop(t);
      trainer = await Trainer.create({ spec: k.spec, batchSize: k.batchSize, adam: { learningRate: k.learningRate }, backend: threadBackend(), ...(k.threads ? { threads: k.threads } : {}) });
      this.all.add(trainer);
    }
    const t = trainer;
    // A trainer whose thread failed mid-step is broken (half-updated shared state,
    // a replaced thread): closed and forgotten, the next shard builds a new one.
    return {
      trainer: t,
      release: () => {
        if (t.healthy) return void list.push(t);
        this.log.info(`dropped a broken trainer (${t.threads} threads); the next shard builds a new one`);
        void this.drop(t);
      },
    };
  }

  /** Trainers held (idle or in use). */
  get size(): number {
    return this.all.size;
  }

  private async drop(t: Trainer): Promise<void> {
    this.all.delete(t);
    await t.close();
  }

  async close(): Promise<void> {
    const ts = [...this.all];
    this.all.clear();
    this.idle.clear();
    await Promise.all(ts.map((t) => t.close()));
  }
}
