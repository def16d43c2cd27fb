/**
 * The bounded stop of the long-running commands (worker, coordinator, serve)
 * on SIGTERM/SIGINT, in one place:
 *
 *   1. the signal handler is installed before anything starts, so a signal
 *      before the "ready" line is a stop like any other (once the start has
 *      finished, within the grace), not a death by signal;
 *   2. the work in progress (shards, round steps, HTTP requests) gets
 *      `graceMs` to finish while the graceful close takes no new work;
 *   3. the rest of the close (BullMQ, Redis QUIT) then gets `closeMs`.
 *
 * Past either bound the connections are dropped and the process exits 1 with
 * one line saying which bound ran out, instead of hanging: with Redis
 * unreachable, BullMQ's close and ioredis's QUIT wait for a connection that
 * may never come back. Unfinished work is not lost: a shard's lock lapses and
 * another worker retries it; a round step is re-delivered to the next
 * coordinator (at-least-once, every step idempotent); an HTTP client sees a
 * dropped connection.
 *
 *   role         grace (flag --stop-grace-ms)            close (flag --close-timeout-ms)
 *   worker       TENSORPOOL_WORKER_STOP_GRACE_MS         TENSORPOOL_WORKER_CLOSE_MS
 *   coordinator  TENSORPOOL_COORDINATOR_STOP_GRACE_MS    TENSORPOOL_COORDINATOR_CLOSE_MS
 *   api (serve)  TENSORPOOL_API_STOP_GRACE_MS            TENSORPOOL_API_CLOSE_MS
 *
 * defaults: DEFAULTS.stop[role].
 */
import { DEFAULTS, UsageError } from '@tensorpool/core';
import { untilSignal } from './signals.js';
import { hook } from './test-hooks.js';
import { stderrLogger, type Logger } from './log.js';

export type StopRole = keyof typeof DEFAULTS.stop;

export interface StopBounds {
  /** Most ms the start (if the signal came first) and the work in progress may take after the signal. */
  graceMs: number;
  /** Most ms closing the connections may take once no work is in progress. */
  closeMs: number;
}

/** What a bounded stop needs of a process. */
export interface Stoppable {
  /** Connects and starts taking work; logs the "ready" line. */
  start(): Promise<void>;
  /** The graceful close: takes no new work, waits for the work in progress, then disconnects. */
  close(): Promise<void>;
  /** Resolves when no work is in progress. */
  whenIdle(): Promise<void>;
  /** Drops every connection and thread without waiting for anything. */
  abandon(): void;
}

/** How the stop's lines name the process and its work. */
export interface StopWords {
  /** 'worker w1', 'coordinator', 'api'. */
  who: string;
  /** The work in progress: 'shards'. */
  work: string;
  /** What becomes of work cut short: 'other workers will retry them'. */
  leftover: string;
  /** Logged at the signal: 'finishing the current shard before exiting'. */
  stopping: string;
}

export type StopResult = { ok: true } | { ok: false; message: string };

const ENV_PREFIX: Record<StopRole, string> = { worker: 'TENSORPOOL_WORKER', coordinator: 'TENSORPOOL_COORDINATOR', api: 'TENSORPOOL_API' };
const MAX_MS = 86_400_000;

/** The environment variables of a role's bounds. */
export function stopEnv(role: StopRole): Record<keyof StopBounds, string> {
  return { graceMs: `${ENV_PREFIX[role]}_STOP_GRACE_MS`, closeMs: `${ENV_PREFIX[role]}_CLOSE_MS` };
}

/** A role's bounds: given, else the environment, else DEFAULTS.stop[role]; UsageError naming the variable when out of range. */
export function stopBounds(role: StopRole, given: Partial<StopBounds> = {}, env: Record<string, string | undefined> = process.env): StopBounds {
  const names = stopEnv(role);
  const one = (k: keyof StopBounds, min: number): number => {
    const raw = env[names[k]];
    const v = given[k] ?? (raw !== undefined && raw.trim() !== '' ? Number(raw) : DEFAULTS.stop[role][k]);
    if (!Number.isSafeInteger(v) || v < min || v > MAX_MS) throw new UsageError(`${k} (${names[k]}) must be an integer of ms in [${min}, ${MAX_MS}], got '${given[k] ?? raw}'`);
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

/**
 * close() within the bounds, once `starting` (the start, when the signal came
 * before it finished) has settled; on failure everything is dropped and the
 * message says which bound ran out.
 */
export async function stopWithin(s: Stoppable, words: StopWords, b: StopBounds, starting: Promise<unknown> = Promise.resolve()): Promise<StopResult> {
  let started = false;
  // close() only after the start: BullMQ crashes the process when closed during its first connect (server.ts).
  const ready = starting.then(() => void (started = true), () => undefined);
  let closeError: Error | undefined;
  const closing = ready.then(() => s.close()).catch((e: Error) => void (closeError = e));
  let message: string | undefined;
  if (!(await within(ready.then(() => s.whenIdle()), b.graceMs))) {
    message = started
      ? `${words.who}: ${words.work} still in progress ${b.graceMs} ms after the signal (stop grace); exiting without them, ${words.leftover}`
      : `${words.who}: not started ${b.graceMs} ms after the signal (stop grace; is Redis reachable?); exiting without a clean close`;
  } else if (!(await within(closing, b.closeMs))) {
    message = `${words.who}: could not close its Redis connections within ${b.closeMs} ms (is Redis reachable?); exiting without a clean close`;
  } else if (closeError) {
    message = `${words.who}: close failed: ${closeError.message.split('\n')[0]}`;
  }
  if (message === undefined) return { ok: true };
  s.abandon();
  return { ok: false, message };
}

/**
 * A long-running command from start to stop: signal handler first, start,
 * wait for the signal, bounded stop. Resolves after a clean stop (exit 0);
 * past a bound it writes one line and exits 1. A start that fails before any
 * signal drops the connections and throws (the CLI reports it).
 */
export async function runUntilSignal(s: Stoppable, words: StopWords, b: StopBounds, log: Logger = stderrLogger): Promise<void> {
  const signal = untilSignal(); // first: whoever reads the "ready" line may signal at once
  const starting = (async () => {
    await hook('starting', {});
    await s.start();
  })();
  const early = await Promise.race([starting.then(() => undefined), signal]).catch((e: unknown) => {
    s.abandon();
    throw e;
  });
  if (early) log.info(`${words.who}: ${early} before it was ready, stopping once started`);
  const sig = early ?? (await signal);
  if (!early) log.info(`${words.who}: ${sig}, ${words.stopping}`);
  const r = await stopWithin(s, words, b, starting);
  if (!r.ok) {
    process.stderr.write(`tensorpool: ${r.message}\n`);
    process.exit(1);
  }
}
