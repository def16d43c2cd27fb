/**
 * Optional phase timings of the coordinator's and the workers' steps, for
 * benchmarks (bench/dist-cost.ts: where the wall time of a distributed job
 * goes). Off unless a `trace` callback is given to Coordinator or
 * ShardWorker; then each phase below reports one Span when it ends (also
 * when it throws). Times are Date.now() milliseconds, the clock BullMQ
 * stamps jobs with, so a shard's wait in the queue (job.timestamp to the
 * worker's pick-up) lines up with the phases.
 *
 *   worker       queued (flow added -> picked up), dataset (decoded set, shard selected),
 *                download (round weights + optimizer state), trainer (a warm or new trainer),
 *                train (the shard's steps), upload (result stored)
 *   coordinator  average (round weights + S results read, averaged), outer (outer step, next
 *                round's state written), evaluate (validation/test of the epoch's weights),
 *                record (record moved on, run event, round's blobs deleted), finish (model saved, job completed)
 */
export type Phase = 'queued' | 'dataset' | 'download' | 'trainer' | 'train' | 'upload'
  | 'average' | 'outer' | 'evaluate' | 'record' | 'finish';

export interface Span {
  jobId: string;
  phase: Phase;
  /** Date.now() at the phase's start and end. */
  start: number;
  end: number;
  epoch?: number;
  round?: number;
  /** The worker's shard (absent for the coordinator's phases). */
  shard?: number;
}

export type Tracer = (s: Span) => void;

export type SpanWhere = Omit<Span, 'phase' | 'start' | 'end'>;

/** Runs `fn`, reporting its span to `trace` (when there is one). */
export async function timed<T>(trace: Tracer | undefined, where: SpanWhere, phase: Phase, fn: () => Promise<T> | T): Promise<T> {
  if (!trace) return fn();
  const start = Date.now();
  try {
    return await fn();
  } finally {
    trace({ ...where, phase, start, end: Date.now() });
  }
}
