/**
 * One row of the runs list, folded from a run's events (in order):
 *   { id, name, mode, state, epoch (done), epochs, step, steps, imagesPerSecond,
 *     etaSeconds, bestValAccuracy, testAccuracy, startedAt, finishedAt, error }
 * `state` is what the events say; a distributed job's record may know more
 * (a job that failed before its first event): the Redis source overrides it.
 */
import type { RunEvent } from '@tensorpool/core';

export type RunState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunSummary {
  id: string;
  name: string;
  mode: 'local' | 'distributed';
  state: RunState;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

export function emptySummary(id: string, mode: RunSummary['mode']): RunSummary {
  return {
    id, name: id, mode, state: 'queued', epoch: 0, epochs: 0, step: 0, steps: 0, imagesPerSecond: null, etaSeconds: null,
    bestValAccuracy: null, testAccuracy: null, startedAt: null, finishedAt: null, error: null,
  };
}

/** Folds one event into the summary (mutates and returns it). */
export function foldEvent(s: RunSummary, e: RunEvent): RunSummary {
  switch (e.type) {
    case 'run-started':
      Object.assign(s, { name: e.name, mode: e.mode, state: 'running', epochs: e.epochs, startedAt: e.t });
      break;
    case 'step':
      Object.assign(s, { step: e.step, steps: e.steps, imagesPerSecond: e.imagesPerSecond });
      break;
    case 'epoch-end':
      s.epoch = e.epoch;
      s.epochs = e.epochs;
      s.imagesPerSecond = e.imagesPerSecond;
      s.step = 0;
      if (e.valAccuracy !== null) s.bestValAccuracy = Math.max(s.bestValAccuracy ?? -Infinity, e.valAccuracy);
      break;
    case 'run-finished':
      Object.assign(s, { state: 'completed', testAccuracy: e.testAccuracy, finishedAt: e.t, epoch: s.epochs });
      break;
    case 'run-failed':
      Object.assign(s, { state: 'failed', error: e.message, finishedAt: e.t });
      break;
    case 'run-cancelled':
      Object.assign(s, { state: 'cancelled', finishedAt: e.t });
      break;
    default:
      break;
  }
  s.etaSeconds = eta(s, e.t);
  return s;
}

/** Remaining time from the mean time per finished epoch so far (null before the first epoch or after the end). */
function eta(s: RunSummary, now: number): number | null {
  if (s.state !== 'running' || s.startedAt === null || s.epoch === 0 || s.epochs === 0) return null;
  const perEpoch = (now - s.startedAt) / 1000 / s.epoch;
  return Math.max(0, perEpoch * (s.epochs - s.epoch));
}

export function summarize(id: string, mode: RunSummary['mode'], events: Iterable<RunEvent>): RunSummary {
  const s = emptySummary(id, mode);
  for (const e of events) foldEvent(s, e);
  return s;
}
