/**
 * BatchExchange between two real threads: both parts get the same totals
 * (0 + row 0 + row 1), over several rounds of one step; after a
 * reset the next step starts over; a part whose partner fails (ABORTED set)
 * stops waiting and throws instead of hanging. No timing: the helper thread
 * waits for the main thread's arrival on the counter word itself.
 */
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerPath } from '@tensorpool/core';
import { BatchExchange, exchangeBytes } from './batch-exchange.js';

const WIDTH = 3;
const dist = pathToFileURL(workerPath(import.meta.url, './batch-exchange.js')).href;

/** A thread playing slot 1: 'sum' runs `rounds` allReduce calls of [1e-8·(r+1), 2, -r]; 'abort' aborts once slot 0 arrived. */
function partner(buffer: SharedArrayBuffer, mode: 'sum' | 'abort', rounds = 0): Promise<number[][]> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.dist).then(({ BatchExchange }) => {
      const { buffer, mode, rounds, width } = workerData;
      if (mode === 'abort') {
        const word = new Int32Array(buffer, 0, 1);
        while (Atomics.load(word, 0) === 0) Atomics.wait(word, 0, 0);
        new BatchExchange(buffer, 2, width).abort();
        parentPort.postMessage([]);
        return;
      }
      const x = new BatchExchange(buffer, 2, width).forTask(1, 2);
      const out = [];
      for (let r = 0; r < rounds; r++) out.push(Array.from(x.allReduce(Float64Array.of(1e-8 * (r + 1), 2, -r))));
      parentPort.postMessage(out);
    });`;
  const w = new Worker(code, { eval: true, workerData: { dist, buffer, mode, rounds, width: WIDTH } });
  return new Promise((resolve, reject) => {
    w.once('message', (m: number[][]) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  });
}

describe('BatchExchange', () => {
  it('gives both threads the same slot-ordered totals, round after round, step after step', async () => {
    const buffer = new SharedArrayBuffer(exchangeBytes(2, WIDTH));
    const ex = new BatchExchange(buffer, 2, WIDTH);
    for (let step = 0; step < 2; step++) {
      ex.reset();
      const theirs = partner(buffer, 'sum', 3);
      const sync = ex.forTask(0, 2);
      const ours = [0, 1, 2].map((r) => Array.from(sync.allReduce(Float64Array.of(1, 3 + r, r))));
      const want = [0, 1, 2].map((r) => [0 + 1 + 1e-8 * (r + 1), 0 + (3 + r) + 2, 0 + r - r]);
      expect(ours).toEqual(want);
      expect(await theirs).toEqual(want);
    }
  });

  it('a part whose partner fails stops waiting and throws', async () => {
    const buffer = new SharedArrayBuffer(exchangeBytes(2, WIDTH));
    const ex = new BatchExchange(buffer, 2, WIDTH);
    ex.reset();
    const aborter = partner(buffer, 'abort');
    expect(() => ex.forTask(0, 2).allReduce(Float64Array.of(1, 2, 3))).toThrow(/step aborted/);
    await aborter;
  });
});
