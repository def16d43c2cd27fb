/**
 * The few error classes every package throws. Each carries a stable `code`
 * that scripts, the HTTP API and the CLI can match on; the message is one line
 * meant for a person and says what to do where that is known.
 */
export type ErrorCode =
  | 'E_USAGE' // bad option, flag or argument
  | 'E_DATA' // missing, corrupt or unreadable dataset or file
  | 'E_BACKEND' // a tfjs backend that cannot be loaded here
  | 'E_MODEL' // bad model spec, unknown preset, weights that do not fit
  | 'E_TRAINING' // training diverged (NaN/Inf) or was interrupted
  | 'E_JOB' // bad job payload, unknown job, rejected shard result
  | 'E_BUSY' // the service is at a configured capacity (e.g. active jobs): retry later (HTTP 429)
  | 'E_CORRUPT' // a value read back from Redis (job record, metrics) failed validation (HTTP 500 corrupt_record)
  | 'E_INTERNAL';

export class TensorpoolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class UsageError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_USAGE', message, options);
  }
}

export class DataError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DATA', message, options);
  }
}

export class BackendError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BACKEND', message, options);
  }
}

export class ModelError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_MODEL', message, options);
  }
}

export class TrainingError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_TRAINING', message, options);
  }
}

export class JobError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_JOB', message, options);
  }
}

/** The service is at a configured capacity limit (DEFAULTS.limits.activeJobs); nothing was changed. */
export class BusyError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BUSY', message, options);
  }
}

/**
 * A stored value (job record, its metrics) read back from Redis is not what
 * tensorpool writes: corrupted, or written by something else. Not the
 * caller's fault and not fixed by retrying; the message names the job and
 * the field (packages/queue/src/stored.ts).
 */
export class CorruptRecordError extends TensorpoolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CORRUPT', message, options);
  }
}

export function isTensorpoolError(e: unknown): e is TensorpoolError {
  return e instanceof TensorpoolError || (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('E_'));
}
