/**
 * Where the dashboard's runs come from: a log directory of local runs
 * (logdir-source.ts) or the distributed jobs in Redis (redis-source.ts).
 * A cursor is opaque to the routes (a byte offset, a stream id).
 */
import type { RunEvent } from '@tensorpool/core';
import type { RunSummary } from './run-summary.js';

export interface CursorEvent {
  cursor: string;
  event: RunEvent;
}

export interface WorkersView {
  workers: Record<string, unknown>[];
  queues: Record<string, unknown>;
}

export interface RunSource {
  readonly kind: 'logdir' | 'redis';
  list(): Promise<RunSummary[]>;
  /** Whether `id` names a run (ids are checked against the source, never turned into paths or keys unchecked). */
  has(id: string): Promise<boolean>;
  /** Events after `cursor` ('0' = from the start). */
  read(id: string, cursor: string): Promise<CursorEvent[]>;
  /** Waits (bounded) for events after `cursor`; [] on timeout. `ended` once the run is over by other means (job record terminal). */
  wait(id: string, cursor: string, signal: AbortSignal): Promise<{ events: CursorEvent[]; ended: boolean }>;
  workers?(): Promise<WorkersView>;
  /** The directory a run saved its model in and the root it must lie in (downloads, run-files.ts), or null. */
  runDir(id: string): Promise<{ dir: string; root: string } | null>;
  /** Cancels a run (distributed jobs only). */
  cancel?(id: string): Promise<{ cancelled: boolean; state: string }>;
  close(): Promise<void>;
}
