/**
 * A worker's bounded stop (SIGTERM). The shards in progress get `graceMs` to
 * finish and store their results; once none is (at once when idle), closing
 * BullMQ, the heartbeat and the Redis connections gets `closeMs`. Past either
 * bound the connections are dropped and the stop reports failure, so the
 * process exits non-zero instead of hanging: with Redis unreachable, BullMQ's
 * close and ioredis's QUIT wait for a connection that may never come back. A
 * shard left unfinished has its lock lapse, and another worker retries it.
 *
 *   TENSORPOOL_WORKER_STOP_GRACE_MS  (worker --stop-grace-ms)    default DEFAULTS.workerStop.graceMs
 *   TENSORPOOL_WORKER_CLOSE_MS       (worker --close-timeout-ms) default DEFAULTS.workerStop.closeMs
 */
import { DEFAULTS, UsageError } from '@tensorpool/core';

export interface StopBounds {
  /** Most ms the shards in progress may take to finish after the signal. */
  graceMs: number;
  /** Most ms closing the connections may take once no shard is in progress. */
  closeMs: number;
}

/** What stopWithin needs of a worker. */
export interface Stoppable {
  readonly id: string;
  /** The graceful close: waits for the shards in progress, then disconnects. */
  close(): Promise<void>;
  /** Resolves when no shard is in progress. */
  whenIdle(): Promise<void>;
  /** Drops every connection and thread without waiting for anything. */
  abandon(): void;
}

export type StopResult = { ok: true } | { ok: false; message: string };

const ENV = { graceMs: 'TENSORPOOL_WORKER_STOP_GRACE_MS', closeMs: 'TENSORPOOL_WORKER_CLOSE_MS' } as const;
const MAX_MS = 86_400_000;

/** The bounds: given, else the environment, else DEFAULTS.workerStop; UsageError naming the variable when out of range. */
export function stopBounds(given: Partial<StopBounds> = {}, env: Record<string, string | undefined> = process.env): StopBounds {
  const one = (k: keyof StopBounds, min: number): number => {
    const raw = env[ENV[k]];
    const v = given[k] ?? (raw !== undefined && raw.trim() !== '' ? Number(raw) : DEFAULTS.workerStop[k]);
    if (!Number.isSafeInteger(v) || v < min || v > MAX_MS) throw new UsageError(`${k} (${ENV[k]}) must be an integer of ms in [${min}, ${MAX_MS}], got '${given[k] ?? raw}'`);
    return v;
  };
  return { graceMs: one('graceMs', 0), closeMs: one('closeMs', 100) };
}

/** Resolves true when `p` settles within `ms`, false when the time runs out first (the timer never outlives it). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** close() within the bounds; on failure everything is dropped and the message says which bound ran out. */
export async function stopWithin(w: Stoppable, b: StopBounds): Promise<StopResult> {
  let closeError: Error | undefined;
  const closing = w.close().catch((e: Error) => void (closeError = e));
  let message: string | undefined;
  if (!(await within(w.whenIdle(), b.graceMs))) {
    message = `worker ${w.id}: shards still in progress ${b.graceMs} ms after the signal (stop grace); exiting without them, other workers will retry them`;
  } else if (!(await within(closing, b.closeMs))) {
    message = `worker ${w.id}: could not close its Redis connections within ${b.closeMs} ms (is Redis reachable?); exiting without a clean close`;
  } else if (closeError) {
    message = `worker ${w.id}: close failed: ${closeError.message.split('\n')[0]}`;
  }
  if (message === undefined) return { ok: true };
  w.abandon();
  return { ok: false, message };
}
