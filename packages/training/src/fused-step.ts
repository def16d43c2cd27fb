/**
 * One optimizer step in ONE round trip: each of the P gradient tasks of a step
 * (one per thread, all running at once) writes its gradient slot, meets the
 * others at a barrier in shared memory, then reduces and Adam-updates its own
 * parameter slice. That saves the second Piscina round trip per step (post,
 * wake-up, reply) and the trainer's scheduling between the two phases.
 *
 * Only used when the step has no more micro-batches than threads: a barrier
 * over tasks that are not all running at once would never open. Piscina hands a
 * step's tasks to distinct idle threads (concurrentTasksPerWorker 1, and every
 * thread is idle because the trainer awaits the whole previous step).
 *
 * Control block (SharedArrayBuffer): Int32 [arrived | ABORTED bit, failed],
 * then Float64 lossSum per slot. The trainer zeroes it before posting a step.
 * When a task of the step dies or throws without arriving (its thread exited,
 * a bug outside the caught gradient), the trainer sets the ABORTED bit in the
 * same word the others wait on and notifies: they stop waiting at once and
 * fail the step (no Adam update), instead of waiting out BARRIER_TIMEOUT_MS.
 */
import { TrainingError, type GradientsTask, type ReduceAdamTask } from '@tensorpool/core';
import { optimizerStep, type WeightEntry } from '@tensorpool/engine';

const ARRIVED = 0;
const FAILED = 1;
/** Set in the ARRIVED word (so a waiter's Atomics.wait sees the change); the low bits count arrivals. */
const ABORTED = 1 << 30;
const COUNT = ABORTED - 1;
/** Longest a thread waits for the others (a broken invariant fails the step instead of hanging). */
const BARRIER_TIMEOUT_MS = 10 * 60 * 1000;

/** The Adam part a gradient task carries in fused mode: its slice and the step's scalars. */
export type FusedAdam = Omit<ReduceAdamTask, 'kind'> & { parties: number };
/**
 * Test hook (off unless a caller sets it): the task fails once the other tasks
 * of its step wait at the barrier, without arriving: 'throw' rejects the task,
 * 'exit' ends its thread (process.exit in a worker thread).
 */
export type ThreadFault = 'throw' | 'exit';
/** With a shared gradient slot (./shared-gradient.ts): the step's task count and 1 / global batch. */
export interface SharedSlot { parties: number; scale: number }
export type FusedGradientsTask = GradientsTask & { adam?: FusedAdam; fault?: ThreadFault; shared?: SharedSlot };

export function controlBytes(slots: number): number {
  return 8 + 8 * slots;
}

export class StepControl {
  private readonly flags: Int32Array;
  private readonly losses: Float64Array;

  constructor(buffer: SharedArrayBuffer, slots: number) {
    this.flags = new Int32Array(buffer, 0, 2);
    this.losses = new Float64Array(buffer, 8, slots);
  }

  /** Trainer side, before posting a step's tasks. */
  reset(): void {
    Atomics.store(this.flags, ARRIVED, 0);
    Atomics.store(this.flags, FAILED, 0);
  }

  /** The trainer aborted the current step. */
  aborted(): boolean {
    return (Atomics.load(this.flags, ARRIVED) & ABORTED) !== 0;
  }

  /** Trainer side, when a task of the step failed: releases the tasks waiting at the barrier. */
  abort(): void {
    Atomics.or(this.flags, ARRIVED, ABORTED);
    Atomics.notify(this.flags, ARRIVED);
  }

  /**
   * Thread side, after its gradient (or its failure): waits for all `parties`
   * tasks; true when every task succeeded with a finite loss, so Adam may run.
   * Throws when the step was aborted (another task died before arriving).
   */
  arrive(slot: number, lossSum: number, failed: boolean, parties: number): boolean {
    this.losses[slot] = lossSum;
    if (failed) Atomics.store(this.flags, FAILED, 1);
    const word = Atomics.add(this.flags, ARRIVED, 1) + 1;
    if ((word & COUNT) >= parties) Atomics.notify(this.flags, ARRIVED);
    this.waitFor(parties, word);
    if (Atomics.load(this.flags, FAILED)) return false;
    let total = 0;
    for (let k = 0; k < parties; k++) total += this.losses[k];
    // Non-finite loss: no update; the trainer reports it (as in the two-phase step).
    return Number.isFinite(total);
  }

  /** Test hook side: blocks until `count` tasks wait at the barrier (or the step is aborted). */
  awaitArrivals(count: number): void {
    this.waitFor(count, Atomics.load(this.flags, ARRIVED));
  }

  private waitFor(count: number, word: number): void {
    const t0 = Date.now();
    while ((word & COUNT) < count) {
      if (word & ABORTED) throw new TrainingError('step aborted: another gradient task of this step failed');
      if (Date.now() - t0 > BARRIER_TIMEOUT_MS) {
        Atomics.store(this.flags, FAILED, 1);
        throw new TrainingError(`gradient threads did not meet within ${BARRIER_TIMEOUT_MS / 1000} s (${word & COUNT} of ${count}); retry with microBatches > threads to avoid the fused step`);
      }
      Atomics.wait(this.flags, ARRIVED, word, 1000);
      word = Atomics.load(this.flags, ARRIVED);
    }
  }
}

/**
 * For parameters [start, end): g = (grads[0] + ... + grads[slots-1]) * scale,
 * accumulated into slot 0 in fixed slot order (so the result does not depend on
 * which thread runs which slice), then one Adam step on weights/m/v, and the
 * moving-average update on the `moving` entries (batch normalization's moving
 * statistics, @tensorpool/engine optimizerStep).
 * Shared by the fused step and the two-phase 'reduceAdam' task.
 */
export function reduceAdam(
  grads: Float32Array[], weights: Float32Array, m: Float32Array, v: Float32Array, a: Omit<ReduceAdamTask, 'kind'>, moving: readonly WeightEntry[],
): void {
  const { start, end, scale, slots } = a;
  const g0 = grads[0];
  if (slots === 1 && scale === 1) {
    // Already reduced and scaled (a shared gradient slot, ./shared-gradient.ts).
  } else if (slots === 1) {
    for (let i = start; i < end; i++) g0[i] *= scale;
  } else if (slots === 2) {
    const g1 = grads[1];
    for (let i = start; i < end; i++) g0[i] = (g0[i] + g1[i]) * scale;
  } else {
    for (let i = start; i < end; i++) {
      let sum = g0[i];
      for (let k = 1; k < slots; k++) sum += grads[k][i];
      g0[i] = sum * scale;
    }
  }
  optimizerStep(weights, g0, m, v, a.step, a, moving, start, end);
}
