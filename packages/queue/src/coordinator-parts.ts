/**
 * What the coordinator's steps (coordinator-*.ts) use of the Coordinator: its
 * connections, queues, evaluator and log, and the steps they call in each other.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import type { Queues } from './queues.js';
import type { Evaluator } from './evaluate.js';
import type { Logger } from './log.js';
import type { RoundRef } from './rounds.js';
import type { JobRecord } from './state.js';
import type { Tracer } from './trace.js';

export interface CoordinatorParts {
  readonly keys: Keys;
  readonly redis: Redis;
  readonly queues: Queues;
  readonly evaluator: Evaluator;
  readonly log: Logger;
  readonly finishing: Map<string, Promise<void>>;
  /** Phase timings (trace.ts), off by default. */
  readonly trace?: Tracer;
  /** Build the evaluator's trainer while an epoch's shards train (CoordinatorOptions.warmEvaluator). */
  readonly warmEvaluator: boolean;
  onEpochFailed(epochJobId: string): Promise<void>;
  fail(jobId: string, e: Error): Promise<void>;
  startJob(jobId: string): Promise<void>;
  queueRound(rec: JobRecord, at: RoundRef): Promise<void>;
  finishJob(rec: JobRecord): Promise<void>;
}
