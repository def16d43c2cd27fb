/**
 * Warm Trainers (Piscina pools with built replicas) reused across shards of
 * the same model, so a worker pays thread start-up and wasm compilation once
 * per model rather than once per shard. A Trainer is used by one shard at a
 * time; concurrent shards of the same model get one each. A trainer that
 * broke during a shard (Trainer.healthy false) is dropped on release.
 *
 * Bounded: at most `maxIdle` idle trainers are kept (DEFAULTS.limits.trainers),
 * a different model evicts idle trainers of other models, and the map's keys
 * are digests of the model, so a long-lived process holds no per-job state here.
 */
import { createHash } from 'node:crypto';
import { limits } from '@tensorpool/core';
import { threadBackendName, type ModelSpec } from '@tensorpool/engine';
import { Trainer } from '@tensorpool/training';
import { silentLogger, type Logger } from './log.js';

export interface TrainerKey {
  spec: ModelSpec;
  batchSize: number;
  learningRate: number;
  threads?: number;
}

function digest(k: TrainerKey): string {
  return createHash('sha256').update(JSON.stringify([k.spec, k.batchSize, k.learningRate, k.threads ?? 0])).digest('hex');
}

export class TrainerCache {
  private readonly idle = new Map<string, Trainer[]>();
  private readonly all = new Set<Trainer>();
  private readonly maxIdle: number;

  private readonly log: Logger;

  constructor(opts: { maxIdle?: number; log?: Logger } = {}) {
    this.maxIdle = opts.maxIdle ?? limits().trainers;
    this.log = opts.log ?? silentLogger;
  }

  async acquire(k: TrainerKey): Promise<{ trainer: Trainer; release: () => void }> {
    const key = digest(k);
    let trainer = this.idle.get(key)?.pop();
    if (this.idle.get(key)?.length === 0) this.idle.delete(key);
    if (!trainer) {
      // A different model evicts idle trainers of other models (memory: one pool per model).
      for (const [other, ts] of this.idle) {
        if (other === key) continue;
        this.idle.delete(other);
        for (const t of ts) void this.drop(t);
      }
      trainer = await Trainer.create({ spec: k.spec, batchSize: k.batchSize, adam: { learningRate: k.learningRate }, backend: threadBackendName(), ...(k.threads ? { threads: k.threads } : {}) });
      this.all.add(trainer);
    }
    const t = trainer;
    let released = false;
    // A trainer whose thread failed mid-step is broken (half-updated shared state,
    // a replaced thread): closed and forgotten, the next shard builds a new one.
    return {
      trainer: t,
      release: () => {
        if (released) return;
        released = true;
        if (t.healthy) return this.park(key, t);
        this.log.info(`dropped a broken trainer (${t.threads} threads); the next shard builds a new one`);
        void this.drop(t);
      },
    };
  }

  /** Keeps a released trainer idle unless that would exceed maxIdle (then it is closed). */
  private park(key: string, t: Trainer): void {
    if (!this.all.has(t)) return; // closed meanwhile
    if (this.idleCount() >= this.maxIdle) {
      void this.drop(t);
      return;
    }
    const list = this.idle.get(key) ?? [];
    list.push(t);
    this.idle.set(key, list);
  }

  /** Idle trainers kept (tests, diagnostics). */
  idleCount(): number {
    let n = 0;
    for (const ts of this.idle.values()) n += ts.length;
    return n;
  }

  /** Trainers alive (idle or in use). */
  liveCount(): number {
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
