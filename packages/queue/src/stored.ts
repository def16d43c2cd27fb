/**
 * Everything read back from Redis is validated like input: the job record,
 * epoch and final metrics, shard-result metadata, Adam step counts and
 * worker heartbeats. A corrupt or foreign job record or metrics value becomes
 * a CorruptRecordError (E_CORRUPT) naming the job and the field, a bad shard
 * result a JobError, so the one job fails clearly and the
 * process stays up.
 *
 * Record hash fields (strings): id, state, options (JSON of JobOptions),
 * epoch, [round], createdAt, [startedAt, finishedAt, error, out, epochStartedAt:<e>].
 */
import { z } from 'zod';
import { CorruptRecordError, JobError, limits, type ShardResultMeta } from '@tensorpool/core';
import { formatIssue, MAX_SYNC_EVERY, parseJobPayload, type JobOptions } from './schema.js';
import { printable } from './payload-shape.js';

/** Every job id: `newJobId` makes 'j' + 16 hex digits; ids from anywhere else are checked against this. */
export const JOB_ID_RE = /^j[0-9a-f]{16}$/;

export function isJobId(id: unknown): id is string {
  return typeof id === 'string' && JOB_ID_RE.test(id);
}

/** JobError (E_JOB) unless `id` is a job id; the message does not echo arbitrary input. */
export function assertJobId(id: unknown, field = 'job id'): asserts id is string {
  if (!isJobId(id)) throw new JobError(`${field}: not a job id (expected 'j' and 16 hex digits, e.g. j0123456789abcdef)`);
}

const intString = (max = Number.MAX_SAFE_INTEGER) =>
  z.string().regex(/^\d{1,16}$/, 'must be a non-negative integer').transform(Number).pipe(z.number().int().max(max));

const recordFields = z.object({
  id: z.string().regex(JOB_ID_RE, 'must be a job id'),
  state: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  options: z.string().min(2),
  epoch: intString(),
  /** Rounds of the current epoch averaged (absent before rounds existed = 0); < the job's syncEvery. */
  round: intString().default(0),
  createdAt: intString(),
  startedAt: intString().optional(),
  finishedAt: intString().optional(),
  error: z.string().optional(),
  out: z.string().optional(),
});

export type StoredRecordFields = z.output<typeof recordFields>;

/** CorruptRecordError (E_CORRUPT): the API answers it as 500 corrupt_record, the CLI as one line. */
function corrupt(jobId: string, what: string, why: string): CorruptRecordError {
  return new CorruptRecordError(`job ${jobId}: corrupt ${what} in Redis: ${printable(why, 300)}`);
}

/** The record hash of job `id`, validated; JobError naming the job and field when anything is off. */
export function parseRecordFields(id: string, h: Record<string, string>): StoredRecordFields & { optionsParsed: JobOptions } {
  const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
  const r = recordFields.safeParse(clean);
  if (!r.success) throw corrupt(id, 'record', r.error.issues.slice(0, 3).map(formatIssue).join('; '));
  if (r.data.id !== id) throw corrupt(id, 'record', `id: holds '${r.data.id}'`);
  const options = parseStoredOptions(id, r.data.options);
  if (r.data.epoch > options.epochs) throw corrupt(id, 'record', `epoch: ${r.data.epoch} is more than the job's ${options.epochs} epochs`);
  if (r.data.round >= options.syncEvery) throw corrupt(id, 'record', `round: ${r.data.round} is not below the job's ${options.syncEvery} rounds per epoch`);
  if (r.data.epoch === options.epochs && r.data.round !== 0) throw corrupt(id, 'record', `round: ${r.data.round} after the last epoch`);
  return { ...r.data, optionsParsed: options };
}

/**
 * The stored options (the output of parseJobPayload) go through the payload
 * schema again: the resolved spec as `spec`, the preset name kept beside it.
 */
function parseStoredOptions(id: string, json: string): JobOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw corrupt(id, 'record', 'options: not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw corrupt(id, 'record', 'options: not an object');
  const { preset, ...rest } = raw as Record<string, unknown>;
  if (preset !== undefined && (typeof preset !== 'string' || preset.length > limits().nameLength)) throw corrupt(id, 'record', 'options.preset: not a preset name');
  try {
    const o = parseJobPayload(asWritten(rest));
    return { ...o, ...(preset !== undefined ? { preset: preset as string } : {}) };
  } catch (e) {
    throw corrupt(id, 'record', `options.${(e as Error).message.replace(/^invalid job: /, '')}`);
  }
}

/**
 * Stored options always hold the resolved syncEvery, outer and
 * shardBatchSize (parseJobPayload's output); one without them was written
 * before that option existed and keeps the meaning it had then, not
 * today's defaults: once per epoch with plain averaging (before rounds),
 * every shard stepping on a whole `batchSize` (before the global batch was
 * split over the shards).
 */
function asWritten(o: Record<string, unknown>): Record<string, unknown> {
  const before: Record<string, unknown> = {};
  if (o.syncEvery === undefined) before.syncEvery = 1;
  if (o.outer === undefined) before.outer = 'average';
  if (o.shardBatchSize === undefined && o.batchSize !== undefined) before.shardBatchSize = o.batchSize;
  return { ...o, ...before };
}

/** JSON turns NaN/Infinity into null (e.g. a spread when the shards made no update): read back as NaN. */
const numOrNull = z.number().nullable().transform((v) => v ?? Number.NaN);

const roundMetrics = z.object({
  epoch: z.number().int().min(1),
  round: z.number().int().min(1),
  samples: z.number().int().min(0),
  loss: numOrNull,
  accuracy: numOrNull,
  deltaNorm: numOrNull,
  spread: numOrNull,
  shards: z.array(z.object({
    shard: z.number().int().min(0),
    samples: z.number().int().min(0),
    deltaRatio: numOrNull,
    seconds: z.number().min(0).optional(),
    worker: z.string().max(200).optional(),
  })),
});

export type StoredRoundMetrics = z.output<typeof roundMetrics>;

/** One round's metrics JSON from the job's rounds hash (field '<epoch>.<round>'). */
export function parseRoundMetrics(jobId: string, field: string, json: string): StoredRoundMetrics {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw corrupt(jobId, `metrics of round ${printable(field, 24)}`, 'not JSON');
  }
  const r = roundMetrics.safeParse(raw);
  if (!r.success) throw corrupt(jobId, `metrics of round ${printable(field, 24)}`, r.error.issues.slice(0, 3).map(formatIssue).join('; '));
  return r.data;
}

const epochMetrics = z.object({
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  testLoss: z.number().optional(),
  testAccuracy: z.number().optional(),
  samples: z.number().int().min(0),
  seconds: z.number().min(0),
  shards: z.array(z.object({ shard: z.number().int().min(0), samples: z.number().int().min(0), seconds: z.number().min(0), worker: z.string() })),
  rounds: z.array(roundMetrics).max(MAX_SYNC_EVERY).optional(),
});

/** One epoch's metrics JSON from the job's epochs hash. */
export function parseEpochMetrics(jobId: string, field: string, json: string): z.output<typeof epochMetrics> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw corrupt(jobId, `metrics of epoch ${printable(field, 12)}`, 'not JSON');
  }
  const r = epochMetrics.safeParse(raw);
  if (!r.success) throw corrupt(jobId, `metrics of epoch ${printable(field, 12)}`, r.error.issues.slice(0, 3).map(formatIssue).join('; '));
  return r.data;
}

const finalMetrics = z.looseObject({ testLoss: z.number(), testAccuracy: z.number().min(0).max(1), testSamples: z.number().int().min(0) });

/** The final test metrics JSON of a completed job. */
export function parseFinalMetrics(jobId: string, json: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw corrupt(jobId, 'test metrics', 'not JSON');
  }
  const r = finalMetrics.safeParse(raw);
  if (!r.success) throw corrupt(jobId, 'test metrics', r.error.issues.slice(0, 3).map(formatIssue).join('; '));
  return r.data;
}

const shardMeta = z.object({
  samples: z.number().int().min(0),
  loss: z.number(),
  accuracy: z.number(),
  seconds: z.number().min(0),
  adamStep: z.number().int().min(0),
  worker: z.string().max(200),
});

/** Shard-result metadata as stored next to its blobs; `what` names the shard. */
export function parseShardMeta(what: string, json: string): ShardResultMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new JobError(`${what}: result metadata is not JSON: rejected`);
  }
  const r = shardMeta.safeParse(raw);
  if (!r.success) throw new JobError(`${what}: result metadata is invalid (${printable(r.error.issues.slice(0, 3).map(formatIssue).join('; '), 200)}): rejected`);
  return r.data;
}

/** An Adam step count stored as a decimal string. */
export function parseAdamStep(what: string, s: string): number {
  if (!/^\d{1,15}$/.test(s)) throw new JobError(`${what}: Adam step is not a non-negative integer: rejected`);
  return Number(s);
}

const heartbeat = z.object({
  id: z.string().max(200),
  host: z.string().max(300),
  pid: z.number().int().min(0),
  threads: z.number().int().min(0),
  concurrency: z.number().int().min(0),
  busy: z.number().int().min(0),
  imagesPerSecond: z.number().min(0),
  shardsDone: z.number().int().min(0),
  at: z.number().min(0),
});

export type WorkerBeat = z.output<typeof heartbeat>;

/** A worker heartbeat, or undefined when it is not one (a corrupt beat is ignored like an expired one). */
export function parseHeartbeat(json: string): WorkerBeat | undefined {
  try {
    const r = heartbeat.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
