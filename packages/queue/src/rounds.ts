/**
 * Rounds: an epoch is trained in R = syncEvery rounds. In round r every
 * shard trains chunk r of its epoch: the steps [⌊r·T/R⌋, ⌊(r+1)·T/R⌋) of its
 * T = ⌈|indices|/B⌉ steps, in the epoch's visiting order
 * (epochOrder(|indices|, seed, epoch) over shardIndices(n, S, seed, epoch)[k]).
 * The chunks depend only on (n, S, seed, epoch, B, R), never on which or how
 * many workers run them, and R chunks in a row visit exactly the batches of
 * one whole local epoch.
 */
import type { JobOptions } from './schema.js';

/** A position in the job: round `round` (0..R-1) of epoch `epoch`. */
export interface RoundRef {
  epoch: number;
  round: number;
}

/** Rounds per epoch of a job (records written before rounds existed have none: 1). */
export function roundsOf(o: Pick<JobOptions, 'syncEvery'>): number {
  return o.syncEvery ?? 1;
}

/** Steps [startStep, endStep) of chunk `round` of an epoch of `steps` steps cut into `rounds` chunks. */
export function chunkSteps(steps: number, round: number, rounds: number): { startStep: number; endStep: number } {
  return { startStep: Math.floor((round * steps) / rounds), endStep: Math.floor(((round + 1) * steps) / rounds) };
}

/** The round after `at` (the first of the next epoch after the last of an epoch). */
export function nextRound(at: RoundRef, rounds: number): RoundRef {
  return at.round + 1 < rounds ? { epoch: at.epoch, round: at.round + 1 } : { epoch: at.epoch + 1, round: 0 };
}

/** Rounds completed before `at` since the job started: the order of positions. */
export function roundIndex(at: RoundRef, rounds: number): number {
  return at.epoch * rounds + at.round;
}

/** "epoch 2" or "epoch 2 round 3" (1-based, for messages). */
export function describeRound(at: RoundRef, rounds: number): string {
  return rounds > 1 ? `epoch ${at.epoch + 1} round ${at.round + 1}/${rounds}` : `epoch ${at.epoch + 1}`;
}
