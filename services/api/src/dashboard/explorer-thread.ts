/**
 * The explorer's one worker thread (explorer-worker.ts), started on first
 * use: requests run one at a time, at most DEFAULTS.explorer.pending wait
 * (then a 503: the server stays responsive however many uploads arrive).
 */
import { Worker } from 'node:worker_threads';
import { DEFAULTS, workerPath } from '@tensorpool/core';
import type { ExplainReply, ExplainRequest } from './explorer-protocol.js';

export class ExplorerBusyError extends Error {
  readonly statusCode = 503;
}

export class ExplorerThread {
  private worker?: Worker;
  private next = 1;
  private waiting = new Map<number, (r: ExplainReply) => void>();

  constructor(private readonly pending: number = DEFAULTS.explorer.pending) {}

  /** Starts the worker (loading tfjs takes seconds) before the first image arrives. */
  warm(): void {
    this.worker ??= this.start();
  }

  run(req: Omit<ExplainRequest, 'id'>): Promise<ExplainReply> {
    if (this.waiting.size >= this.pending) throw new ExplorerBusyError(`the explorer is busy (${this.waiting.size} images waiting); try again`);
    const w = (this.worker ??= this.start());
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      w.postMessage({ ...req, id } satisfies ExplainRequest, req.image ? [req.image.buffer as ArrayBuffer] : []);
    });
  }

  private start(): Worker {
    const w = new Worker(workerPath(import.meta.url, './explorer-worker.ts'));
    w.on('message', (r: ExplainReply) => {
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    // A dead worker fails what it held; the next request starts a new one.
    const fail = () => {
      for (const [id, resolve] of this.waiting) resolve({ id, ok: false, status: 500, message: 'internal error' });
      this.waiting.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', fail);
    w.unref();
    return w;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
