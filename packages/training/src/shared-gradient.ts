/**
 * One gradient slot shared by the (at most two) gradient tasks of a step,
 * instead of one slot per task: saves 4 x params bytes (66 MB for the seed
 * network) of shared memory.
 *
 * A replica hands its gradient out in a fixed sequence of pieces (engine
 * GradientSink: offset + values, the same sequence in every task). Per piece,
 * the first task to claim it writes its values into the slot, the second adds
 * its own and scales: (g0 + g1) * scale, exactly the expression of the
 * per-slot reduce (fused-step.ts reduceAdam), and float addition is
 * commutative, so the result is bit-identical whichever task comes first. A
 * step of one task writes g0 * scale. The reduce then has nothing left to do. With
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

  /** Thread side: a sink for one task's gradient into `slot` [params]; `parties` tasks (1 or 2) in this step, `scale` = 1 / global batch. */
  sink(slot: Float32Array, parties: number, scale: number): GradientSink {
    if (parties !== 1 && parties !== 2) throw new TrainingError(`a shared gradient slot takes 1 or 2 tasks per step, got ${parties}`);
    let piece = 0;
    return (offset, values) => this.put(piece++, slot, offset, values, parties, scale);
  }

  private put(piece: number, slot: Float32Array, offset: number, values: Float32Array, parties: number, scale: number): void {
    if (piece >= this.pieces) throw new TrainingError(`gradient has more than the ${this.pieces} pieces this trainer allotted`);
    const claim = Atomics.add(this.claims, piece, 1);
    const n = values.length;
    if (claim === 0) {
      if (parties === 1) for (let i = 0; i < n; i++) slot[offset + i] = values[i] * scale;
      else slot.set(values, offset);
      Atomics.store(this.done, piece, 1);
      Atomics.notify(this.done, piece);
      return;
    }
    if (claim >= parties) throw new TrainingError(`more than ${parties} gradient tasks wrote into the shared gradient slot`);
    this.waitWritten(piece);
    for (let i = 0; i < n; i++) slot[offset + i] = (slot[offset + i] + values[i]) * scale;
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
