/**
 * A distributed job's run events (packages/core/src/events.ts) in a Redis
 * stream per job (`keys.runEvents(id)`), trimmed with XADD MAXLEN ~
 * DEFAULTS.events.streamMaxLen. Each entry has one field, `e`, the event as
 * JSON. Emitting never fails the job (the dashboard is an observer): an error
 * is logged and dropped. Reading validates every entry; invalid ones are
 * skipped and counted.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { DEFAULTS, makeRunEvent, parseRunEvent, type RunEvent, type RunEventInput } from '@tensorpool/core';
import type { Keys } from './keys.js';
import type { EpochMetrics, JobRecord } from './state.js';
import { assertJobId } from './stored.js';
import { roundsOf } from './rounds.js';

export interface StreamEvent {
  /** Stream entry id (the cursor to continue after). */
  id: string;
  event: RunEvent;
}

export async function emitRunEvent(redis: Redis, keys: Keys, jobId: string, e: RunEventInput): Promise<void> {
  try {
    const ev = makeRunEvent(e);
    await redis.xadd(keys.runEvents(jobId), 'MAXLEN', '~', String(DEFAULTS.events.streamMaxLen), '*', 'e', JSON.stringify(ev));
  } catch (err) {
    process.stderr.write(`run events: job ${jobId}: ${(err as Error).message}\n`);
  }
}

type Entries = [id: string, fields: string[]][];

function decode(entries: Entries): { events: StreamEvent[]; invalid: number } {
  const events: StreamEvent[] = [];
  let invalid = 0;
  for (const [id, fields] of entries) {
    const i = fields.indexOf('e');
    try {
      if (i < 0 || i % 2 !== 0) throw new Error('no e field');
      events.push({ id, event: parseRunEvent(JSON.parse(fields[i + 1])) });
    } catch {
      invalid++;
    }
  }
  return { events, invalid };
}

/** Events after cursor `after` ('0' = from the start), at most `count`. */
export async function readRunEvents(redis: Redis, keys: Keys, jobId: string, after = '0', count = 1000): Promise<{ events: StreamEvent[]; invalid: number }> {
  assertJobId(jobId);
  const entries = (await redis.xrange(keys.runEvents(jobId), after === '0' ? '-' : `(${after}`, '+', 'COUNT', count)) as Entries;
  return decode(entries);
}

/** Waits up to `blockMs` for events after `after` (needs a connection of its own: XREAD BLOCK holds it). */
export async function waitRunEvents(redis: Redis, keys: Keys, jobId: string, after: string, blockMs: number): Promise<{ events: StreamEvent[]; invalid: number }> {
  assertJobId(jobId);
  const r = (await redis.xread('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', keys.runEvents(jobId), after)) as [string, Entries][] | null;
  return decode(r?.[0]?.[1] ?? []);
}

/** `run-started` of a job record (sample counts are not known before the data is loaded: the limit, or 0). */
export function jobStartedEvent(rec: JobRecord): RunEventInput {
  const o = rec.options;
  return {
    type: 'run-started', name: o.spec.name, mode: 'distributed', epochs: o.epochs, batchSize: o.batchSize, dataset: String(o.data),
    trainSamples: o.limit ?? 0, testSamples: o.testLimit ?? 0, labels: [...o.spec.labels],
    options: {
      shards: o.shards, shardBatchSize: o.shardBatchSize, syncEvery: roundsOf(o), outer: o.outer, optimizer: o.optimizer, seed: o.seed,
      learningRate: o.learningRate, augment: o.augment, limit: o.limit ?? null,
    },
  };
}

/** `epoch-end` of the coordinator's averaged epoch metrics. */
export function jobEpochEvent(m: EpochMetrics, epochs: number): RunEventInput {
  return {
    type: 'epoch-end', epoch: m.epoch, epochs, loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss ?? null,
    valAccuracy: m.valAccuracy ?? null, seconds: m.seconds, imagesPerSecond: m.samples / Math.max(m.seconds, 1e-9),
  };
}

/** `run-finished` of the evaluator's final metrics. */
export function jobFinishedEvent(metrics: Record<string, unknown>, out: string): RunEventInput {
  const m = metrics as { testLoss: number; testAccuracy: number; testSamples: number; labels: string[]; confusionMatrix: number[][] };
  return { type: 'run-finished', testLoss: m.testLoss, testAccuracy: m.testAccuracy, testSamples: m.testSamples, labels: m.labels, confusionMatrix: m.confusionMatrix, modelDir: out };
}

/**
 * The job's events as `<out>/events.jsonl` next to its saved model (out is the
 * confined model directory), so `tensorpool dashboard --logdir` shows finished
 * distributed jobs like local runs. Best effort, like emitting.
 */
export async function saveRunEventsFile(redis: Redis, keys: Keys, jobId: string, out: string): Promise<void> {
  try {
    const { events } = await readRunEvents(redis, keys, jobId, '0', DEFAULTS.events.streamMaxLen * 2);
    await writeFile(join(out, 'events.jsonl'), events.map((e) => `${JSON.stringify(e.event)}\n`).join(''));
  } catch (err) {
    process.stderr.write(`run events: job ${jobId}: ${(err as Error).message}\n`);
  }
}
