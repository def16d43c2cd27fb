/**
 * Cross-thread sums for layers that couple the samples of a batch
 * (BatchNormalization): the P gradient tasks of one fused step (./fused-step.ts,
 * all running at once, one per thread) each compute one part of the global
 * batch; at every `allReduce` call each writes its partial sums into its own
 * row, meets the others at a barrier, and sums the P rows in part (slot)
 * order, so every task gets the same bit-identical totals and the result does
 * not depend on which thread ran which part or who arrived first.
 *
 * Buffer (SharedArrayBuffer): Int32 [arrivals | ABORTED bit, pad], then
 * Float64 [2 rounds][slots][width]. Call k of a step uses rows k % 2 and waits
 * for P·(k+1) arrivals: a task can only write round k+2's rows after every
 * task arrived at round k+1, i.e. finished reading round k. The trainer zeroes
 * the counter before posting a step; a task that fails (or the trainer, when a
 * task dies) sets ABORTED so the others stop waiting and fail the step.
 */
import { TrainingError } from '@tensorpool/core';
import type { BatchAllReduce } from '@tensorpool/engine';

const ABORTED = 1 << 30;
const COUNT = ABORTED - 1;
/** Longest a task waits for the others (as the fused step's barrier). */
const WAIT_TIMEOUT_MS = 10 * 60 * 1000;

export function exchangeBytes(slots: number, width: number): number {
  return 8 + 8 * 2 * slots * width;
}

export class BatchExchange {
  private readonly word: Int32Array;
  /** [2][slots][width] partial sums. */
  private readonly rows: Float64Array;

  constructor(buffer: SharedArrayBuffer, private readonly slots: number, private readonly width: number) {
    this.word = new Int32Array(buffer, 0, 1);
    this.rows = new Float64Array(buffer, 8, 2 * slots * width);
  }

  /** Trainer side, before posting a step's tasks. */
  reset(): void {
    Atomics.store(this.word, 0, 0);
  }

  /** Releases the tasks waiting for the others (a task of the step failed). */
  abort(): void {
    Atomics.or(this.word, 0, ABORTED);
    Atomics.notify(this.word, 0);
  }

  /** The all-reduce of the task writing part `slot` of a step of `parties` parts. */
  forTask(slot: number, parties: number): BatchAllReduce {
    let round = 0;
    return {
      allReduce: (partial) => {
        if (partial.length > this.width) throw new TrainingError(`batch exchange: ${partial.length} values exceed its width ${this.width}`);
        const base = (round % 2) * this.slots * this.width;
        this.rows.set(partial, base + slot * this.width);
        const target = parties * ++round;
        const word = Atomics.add(this.word, 0, 1) + 1;
        if ((word & COUNT) >= target) Atomics.notify(this.word, 0);
        this.waitFor(target, word);
        const out = new Float64Array(partial.length);
        for (let k = 0; k < parties; k++) {
          const row = base + k * this.width;
          for (let j = 0; j < out.length; j++) out[j] += this.rows[row + j];
        }
        return out;
      },
    };
  }

  private waitFor(target: number, word: number): void {
    const t0 = Date.now();
    while ((word & COUNT) < target) {
      if (word & ABORTED) throw new TrainingError('step aborted: another gradient task of this step failed');
      if (Date.now() - t0 > WAIT_TIMEOUT_MS) throw new TrainingError(`gradient threads did not meet for batch statistics within ${WAIT_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.word, 0, word, 1000);
      word = Atomics.load(this.word, 0);
    }
  }
}
