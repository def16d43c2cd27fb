/**
 * The job record in Redis and the status model users see.
 *
 * A job moves queued -> running -> completed | failed | cancelled. The
 * record (a hash) holds the validated options, the number of completed
 * epochs and timestamps; everything the coordinator needs to resume a job
 * after a restart lives here and in the epoch's weight blobs.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BusyError, JobError, limits, luaScript } from '@tensorpool/core';
import type { Keys } from './keys.js';
import type { JobOptions } from './schema.js';
import { assertJobId, parseEpochMetrics, parseFinalMetrics, parseRecordFields, parseRoundMetrics } from './stored.js';
import { epochFraction, formatShardProgress, parseProgressHash, type ShardProgress, type ShardStepProgress } from './shard-progress.js';

export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

export interface JobRecord {
  id: string;
  state: JobState;
  options: JobOptions;
  /** Epochs completed and averaged (0..epochs). */
  epoch: number;
  /** Rounds of the current epoch completed and averaged (0..syncEvery-1; always 0 with one round per epoch). */
  round: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  error?: string;
  /** Directory of the saved model, once completed. */
  out?: string;
}

export interface EpochMetrics {
  epoch: number;
  /** Sample-weighted mean of the shards' training loss/accuracy. */
  loss: number;
  accuracy: number;
  /** On the validation hold-out (only when the job has a validationSplit). */
  valLoss?: number;
  valAccuracy?: number;
  /** On the test split, after every epoch. */
  testLoss?: number;
  testAccuracy?: number;
  samples: number;
  /** Wall time from the epoch's start to its average. */
  seconds: number;
  /** Per shard: samples, seconds and which worker ran it (summed over the epoch's rounds; workers joined by ','). */
  shards: { shard: number; samples: number; seconds: number; worker: string }[];
  /** The epoch's rounds (averages), in order. */
  rounds?: RoundMetrics[];
}

/** One averaged round: how far the shards drifted apart (see round-average.ts). */
export interface RoundMetrics {
  epoch: number;
  /** 1-based round within the epoch. */
  round: number;
  samples: number;
  loss: number;
  accuracy: number;
  /** |Δ̄|: norm of the averaged update W - W̄. */
  deltaNorm: number;
  /** sqrt(Σ w_k |Δ_k - Δ̄|²) / |Δ̄|: 0 = every shard made the same update. */
  spread: number;
  /** Per shard |Δ_k| / |Δ̄|. */
  shards: { shard: number; samples: number; deltaRatio: number }[];
}

export interface JobStatus {
  id: string;
  name?: string;
  state: JobState;
  epoch: number;
  epochs: number;
  shards: number;
  /** 0..1 over the whole job (from the shards' step counts, not rounded). */
  progress: number;
  /** While running: steps each shard has done of its current epoch (shards not started yet are absent). */
  shardProgress: ShardStepProgress[];
  epochMetrics: EpochMetrics[];
  /** Rounds per epoch (syncEvery) and those of the running epoch averaged so far. */
  syncEvery: number;
  round: number;
  currentRounds: RoundMetrics[];
  /** The outer optimizer on the averaged update (lr and momentum apply to momentum | nesterov). */
  outer: { kind: string; lr: number; momentum: number };
  /** The job's global batch and the samples each shard steps on (shards × shardBatchSize = the batch actually seen per step). */
  batchSize: number;
  shardBatchSize: number;
  workers: string[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  out?: string;
  optimizer: string;
  preset?: string;
  data: string;
}

export function newJobId(): string {
  return `j${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

const CREATE_JOB = luaScript(new URL('../lua/create-job-3.lua', import.meta.url));

/**
 * Writes a queued job's record, unless the service already holds
 * `maxActive` queued or running jobs (BusyError, nothing written). The check
 * and the write are one Lua script, so concurrent enqueues cannot overshoot.
 */
export async function createJobRecord(redis: Redis, keys: Keys, options: JobOptions, id = newJobId(), maxActive = limits().activeJobs): Promise<JobRecord> {
  assertJobId(id);
  const rec: JobRecord = { id, state: 'queued', options, epoch: 0, round: 0, createdAt: Date.now() };
  const r = await CREATE_JOB(redis, [keys.job(id), keys.jobs, keys.active], [String(maxActive), id, String(rec.createdAt), JSON.stringify(options)]);
  if (r === 0) throw new BusyError(`the service already has ${maxActive} queued or running jobs (TENSORPOOL_MAX_ACTIVE_JOBS): retry when one has finished`);
  if (r !== 1) throw new JobError(`job ${id} already exists`);
  return rec;
}

/**
 * The record of job `id`, validated (stored.ts): undefined when there is
 * none, CorruptRecordError (E_CORRUPT) naming the job and field when it is corrupt.
 */
export async function getJobRecord(redis: Redis, keys: Keys, id: string): Promise<JobRecord | undefined> {
  assertJobId(id);
  const h = await redis.hgetall(keys.job(id));
  if (!h || Object.keys(h).length === 0) return undefined;
  const f = parseRecordFields(id, h);
  return {
    id: f.id,
    state: f.state,
    options: f.optionsParsed,
    epoch: f.epoch,
    round: f.round,
    createdAt: f.createdAt,
    ...(f.startedAt !== undefined ? { startedAt: f.startedAt } : {}),
    ...(f.finishedAt !== undefined ? { finishedAt: f.finishedAt } : {}),
    ...(f.error ? { error: f.error } : {}),
    ...(f.out ? { out: f.out } : {}),
  };
}

export async function requireJobRecord(redis: Redis, keys: Keys, id: string): Promise<JobRecord> {
  const rec = await getJobRecord(redis, keys, id);
  if (!rec) throw new JobError(`no job '${id}' (see \`tensorpool status\` or GET /jobs for known jobs)`);
  return rec;
}

// Sets state and fields unless the job already reached a terminal state (lua/transition-2.lua).
const TRANSITION = luaScript(new URL('../lua/transition-2.lua', import.meta.url));

/** Moves a non-terminal job to `state` with extra fields; false when it was already terminal or unknown. */
export async function transition(redis: Redis, keys: Keys, id: string, state: JobState, fields: Record<string, string | number> = {}): Promise<boolean> {
  const args: string[] = ['state', state];
  for (const [k, v] of Object.entries(fields)) args.push(k, String(v));
  return (await TRANSITION(redis, [keys.job(id), keys.active], args)) === 1;
}

export async function setCompletedEpochs(redis: Redis, keys: Keys, id: string, epoch: number): Promise<void> {
  await redis.hset(keys.job(id), 'epoch', String(epoch));
}

/** Moves the record to "rounds completed up to (epoch, round)", both fields in one write. */
export async function setCompletedRound(redis: Redis, keys: Keys, id: string, epoch: number, round: number): Promise<void> {
  await redis.hset(keys.job(id), 'epoch', String(epoch), 'round', String(round));
}

export async function recordRoundMetrics(redis: Redis, keys: Keys, id: string, m: RoundMetrics): Promise<void> {
  await redis.hset(keys.roundMetrics(id), `${m.epoch}.${m.round}`, JSON.stringify(m));
}

/** Round metrics of one epoch (1-based `epoch`), in round order. */
export async function getRoundMetrics(redis: Redis, keys: Keys, id: string, epoch: number): Promise<RoundMetrics[]> {
  const h = await redis.hgetall(keys.roundMetrics(id));
  return Object.entries(h).map(([k, v]) => parseRoundMetrics(id, k, v)).filter((m) => m.epoch === epoch).sort((a, b) => a.round - b.round);
}

export async function recordEpochMetrics(redis: Redis, keys: Keys, id: string, m: EpochMetrics): Promise<void> {
  await redis.hset(keys.epochMetrics(id), String(m.epoch), JSON.stringify(m));
}

export async function getEpochMetrics(redis: Redis, keys: Keys, id: string): Promise<EpochMetrics[]> {
  const h = await redis.hgetall(keys.epochMetrics(id));
  return Object.entries(h).map(([k, v]) => parseEpochMetrics(id, k, v)).sort((a, b) => a.epoch - b.epoch);
}

/** Shard `shard` has done `p.step` of the `p.steps` steps of its epoch (shard-progress.ts). */
export async function setShardProgress(redis: Redis, keys: Keys, id: string, shard: number, p: ShardProgress): Promise<void> {
  await redis.hset(keys.progress(id), String(shard), formatShardProgress(p));
}

export async function jobStatus(redis: Redis, keys: Keys, id: string): Promise<JobStatus> {
  const rec = await requireJobRecord(redis, keys, id);
  const [epochMetrics, workers, prog, currentRounds] = await Promise.all([
    getEpochMetrics(redis, keys, id),
    redis.smembers(keys.jobWorkers(id)),
    redis.hgetall(keys.progress(id)),
    getRoundMetrics(redis, keys, id, rec.epoch + 1),
  ]);
  const { epochs, shards } = rec.options;
  // Progress is cosmetic: a corrupt value is left out (counts as 0) rather than failing the status.
  const inEpochRunning = rec.state === 'running' && rec.epoch < epochs;
  const shardProgress = inEpochRunning ? parseProgressHash(prog, shards) : [];
  const progress = rec.state === 'completed' ? 1 : Math.min(1, (rec.epoch + epochFraction(shardProgress, shards)) / epochs);
  const iso = (t?: number) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    id,
    ...(rec.options.name ? { name: rec.options.name } : {}),
    state: rec.state,
    epoch: rec.epoch,
    epochs,
    shards,
    progress,
    shardProgress,
    epochMetrics,
    syncEvery: rec.options.syncEvery ?? 1,
    round: rec.round,
    currentRounds,
    outer: { kind: rec.options.outer ?? 'average', lr: rec.options.outerLr ?? 1, momentum: rec.options.outerMomentum ?? 0 },
    batchSize: rec.options.batchSize,
    shardBatchSize: rec.options.shardBatchSize,
    workers: workers.sort(),
    createdAt: iso(rec.createdAt)!,
    startedAt: iso(rec.startedAt),
    finishedAt: iso(rec.finishedAt),
    error: rec.error,
    out: rec.out,
    optimizer: rec.options.optimizer,
    preset: rec.options.preset,
    data: rec.options.data,
  };
}

/** Newest first. */
export async function listJobIds(redis: Redis, keys: Keys, limit = 100): Promise<string[]> {
  return redis.zrevrange(keys.jobs, 0, Math.max(0, Math.min(limit, 1000)) - 1);
}

export async function getFinalMetrics(redis: Redis, keys: Keys, id: string): Promise<Record<string, unknown> | undefined> {
  const s = await redis.get(keys.metrics(id));
  return s ? parseFinalMetrics(id, s) : undefined;
}
