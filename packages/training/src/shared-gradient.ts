/**
 * One gradient slot shared by the (at most two) gradient tasks of a step,
 * instead of one slot per task: saves 4 x params bytes (66 MB for the seed
 * network) of shared memory.
 *
 * A replica hands its gradient out in a fixed sequence of pieces (engine
 * GradientSink: offset + values, the same sequence in every task). Per piece,
 * the first task to claim it writes its values into the slot, the second adds
 * its own to them. With two tasks every element is g0 + g1 in one addition,
 * and float addition is commutative, so the sum is bit-identical whichever
 * task comes first (and to the old per-slot reduce (g0 + g1) * scale). With
 * three or more tasks the order would matter: the trainer keeps one slot per
 * micro-batch then.
 *
 * Layout (Int32, after the step control block): claims[pieces], done[pieces].
 * The trainer zeroes it before each step.
 */
import { TrainingError } from '@tensorpool/core';
import type { GradientSink } from '@tensorpool/engine';

/** Longest a task waits for the other to finish writing a piece. */
const WAIT_MS = 10 * 60 * 1000;

export function accumulatorBytes(pieces: number): number {
  return 8 * pieces;
}

export class SharedGradient {
  private readonly claims: Int32Array;
  private readonly done: Int32Array;

  /** `aborted` tells a waiting task that the step failed (see fused-step.ts StepControl.aborted). */
  constructor(buffer: SharedArrayBuffer, byteOffset: number, readonly pieces: number, private readonly aborted: () => boolean) {
    this.claims = new Int32Array(buffer, byteOffset, pieces);
    this.done = new Int32Array(buffer, byteOffset + 4 * pieces, pieces);
  }

  /** Trainer side, before posting a step's tasks. */
  reset(): void {
    for (let k = 0; k < this.pieces; k++) {
      Atomics.store(this.claims, k, 0);
      Atomics.store(this.done, k, 0);
    }
  }

  /** Trainer side, when a task failed: wakes tasks waiting for a piece. */
  wake(): void {
    for (let k = 0; k < this.pieces; k++) Atomics.notify(this.done, k);
  }

  /** Thread side: a sink for one task's gradient into `slot` [params]. */
  sink(slot: Float32Array): GradientSink {
    let piece = 0;
    return (offset, values) => this.put(piece++, slot, offset, values);
  }

  private put(piece: number, slot: Float32Array, offset: number, values: Float32Array): void {
    if (piece >= this.pieces) throw new TrainingError(`gradient has more than the ${this.pieces} pieces this trainer allotted`);
    const claim = Atomics.add(this.claims, piece, 1);
    if (claim === 0) {
      slot.set(values, offset);
      Atomics.store(this.done, piece, 1);
      Atomics.notify(this.done, piece);
      return;
    }
    if (claim > 1) throw new TrainingError('more than two gradient tasks share one gradient slot');
    this.waitWritten(piece);
    const n = values.length;
    for (let i = 0; i < n; i++) slot[offset + i] += values[i];
  }

  private waitWritten(piece: number): void {
    const t0 = Date.now();
    while (Atomics.load(this.done, piece) === 0) {
      if (this.aborted()) throw new TrainingError('step aborted: another gradient task of this step failed');
      if (Date.now() - t0 > WAIT_MS) throw new TrainingError(`the other gradient task did not write its piece ${piece} within ${WAIT_MS / 1000} s`);
      Atomics.wait(this.done, piece, 0, 1000);
    }
  }
}
