/**
 * The Piscina pool of gradient threads, with typed task dispatch.
 * Threads = replicas; every thread gets the same workerData (spec + shared
 * buffers) and builds its replica lazily, so any thread can take any task.
 */
import { Piscina } from 'piscina';
import { decodeThreadError, workerPath, type ThreadInit, type ThreadTask, type ThreadResultMap, BackendError } from '@tensorpool/core';

/**
 * What every thread gets as workerData: the core init plus the fused-step
 * control block (./fused-step.ts) and the batch-statistics exchange
 * (./batch-exchange.ts, `exchangeWidth` float64 values per slot and round).
 */
export interface TrainingThreadInit<S = unknown> extends ThreadInit<S> {
  /** Step control block (fused-step.ts), then the shared-gradient claims (shared-gradient.ts) when there is one gradient slot. */
  control: SharedArrayBuffer;
  exchange: SharedArrayBuffer;
  exchangeWidth: number;
  microBatches: number;
  /** Pieces of one replica's gradient (engine gradientPieces). */
  pieces: number;
}

/** Young-generation cap of a gradient thread's V8 heap (MB). */
const THREAD_YOUNG_GENERATION_MB = 4;

export class ThreadPool {
  private readonly piscina: Piscina;
  readonly threads: number;

  constructor(init: TrainingThreadInit, threads: number) {
    this.threads = threads;
    this.piscina = new Piscina({
      filename: workerPath(import.meta.url, './thread-worker.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      concurrentTasksPerWorker: 1,
      workerData: init,
      // Threads must not be recycled: each holds a replica and a wasm heap.
      maxQueue: 'auto',
      // Threads make little JS garbage (their data is in the wasm heap and shared buffers), but V8 grows each
      // thread's young generation to tens of MB anyway; capped, the seed net's 2-thread peak RSS drops ~60 MB.
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
  }

  run<T extends ThreadTask>(task: T): Promise<ThreadResultMap[T['kind']]> {
    return (this.piscina.run(task) as Promise<ThreadResultMap[T['kind']]>).catch((e: unknown) => {
      throw decodeThreadError(e);
    });
  }

  /** Runs tasks concurrently; results in task order. */
  all<T extends ThreadTask>(tasks: T[]): Promise<ThreadResultMap[T['kind']][]> {
    return Promise.all(tasks.map((t) => this.run(t)));
  }

  /** Builds every thread's replica before the first step; fails with the thread's own error (e.g. a backend that cannot load). */
  async warmup(): Promise<string> {
    try {
      const r = await this.all(Array.from({ length: this.threads }, () => ({ kind: 'warmup' as const })));
      return r[0].backend;
    } catch (e) {
      if (e instanceof Error && 'code' in e) throw e;
      throw new BackendError(`gradient threads failed to start: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
