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
  control: SharedArrayBuffer;
  exchange: SharedArrayBuffer;
  exchangeWidth: number;
}

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
