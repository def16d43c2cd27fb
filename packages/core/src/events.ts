/**
 * The one event schema of a training run, local (`<out>/events.jsonl`) or
 * distributed (a Redis stream per job, packages/queue/src/run-events.ts).
 * Every event is validated when read back (files and Redis are untrusted):
 * `parseRunEvent` names the bad field. Shapes (all carry `t`, ms since epoch):
 *   run-started    {name, mode, epochs, batchSize, dataset, trainSamples, testSamples, labels, options}
 *   step           {epoch, step, steps, imagesPerSecond, loss, accuracy, shard?, round?}  (every DEFAULTS.events.stepEvery steps;
 *                  distributed: per shard, step/steps of the shard's epoch, loss/accuracy the running mean of its round)
 *   epoch-end      {epoch, epochs, loss, accuracy, valLoss, valAccuracy, seconds, imagesPerSecond}
 *   shard-started  {epoch, shard, worker, round?}
 *   shard-finished {epoch, shard, worker, round?, samples, seconds}
 *   shard-retried  {epoch, shard, worker, round?, attempt, reason}
 *   run-finished   {testLoss, testAccuracy, testSamples, labels, confusionMatrix, modelDir}
 *   run-failed     {message}
 *   run-cancelled  {}
 * Epochs (and a shard's round within its epoch, absent in events written
 * before rounds existed) are 1-based everywhere in events.
 */
import { z } from 'zod';
import { DataError } from './errors.js';

const MAX_CLASSES = 1000;
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const epochNo = z.number().int().positive().max(1_000_000);
const finite = z.number().finite();
const rate = z.number().finite().nonnegative();
const text = (max = 1000) => z.string().max(max);
const base = { t: z.number().int().nonnegative().max(8.64e15) };

export const RunStarted = z.strictObject({
  ...base, type: z.literal('run-started'),
  name: text(200), mode: z.enum(['local', 'distributed']), epochs: epochNo, batchSize: count,
  dataset: text(), trainSamples: count, testSamples: count,
  labels: z.array(text(200)).max(MAX_CLASSES),
  options: z.record(text(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).refine((o) => Object.keys(o).length <= 100, 'at most 100 options'),
});
export const StepProgress = z.strictObject({
  ...base, type: z.literal('step'), epoch: epochNo, step: count, steps: count, imagesPerSecond: rate, loss: finite, accuracy: finite,
  shard: count.max(100_000).optional(), round: z.number().int().positive().max(1000).optional(),
});
export const EpochEnd = z.strictObject({
  ...base, type: z.literal('epoch-end'), epoch: epochNo, epochs: epochNo, loss: finite, accuracy: finite,
  valLoss: finite.nullable(), valAccuracy: finite.nullable(), seconds: rate, imagesPerSecond: rate,
});
const shard = { epoch: epochNo, shard: count.max(100_000), worker: text(200), round: z.number().int().positive().max(1000).optional() };
export const ShardStarted = z.strictObject({ ...base, type: z.literal('shard-started'), ...shard });
export const ShardFinished = z.strictObject({ ...base, type: z.literal('shard-finished'), ...shard, samples: count, seconds: rate });
export const ShardRetried = z.strictObject({ ...base, type: z.literal('shard-retried'), ...shard, attempt: count.max(1000), reason: text() });
export const RunFinished = z.strictObject({
  ...base, type: z.literal('run-finished'), testLoss: finite, testAccuracy: finite, testSamples: count,
  labels: z.array(text(200)).max(MAX_CLASSES),
  confusionMatrix: z.array(z.array(count).max(MAX_CLASSES)).max(MAX_CLASSES),
  modelDir: text(4096).nullable(),
});
export const RunFailed = z.strictObject({ ...base, type: z.literal('run-failed'), message: text(2000) });
export const RunCancelled = z.strictObject({ ...base, type: z.literal('run-cancelled') });

export const RunEvent = z.discriminatedUnion('type', [
  RunStarted, StepProgress, EpochEnd, ShardStarted, ShardFinished, ShardRetried, RunFinished, RunFailed, RunCancelled,
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent['type'];
/** An event as emitted (the emitter stamps `t`). */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 't'> & { t?: number } : never) : never;

/** Events after which nothing more comes. */
export const TERMINAL_EVENTS: ReadonlySet<RunEventType> = new Set(['run-finished', 'run-failed', 'run-cancelled']);

/** One event from untrusted JSON (a parsed value): the event, or a DataError naming the bad field. */
export function parseRunEvent(value: unknown): RunEvent {
  const r = RunEvent.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new DataError(`bad run event: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Stamps `t` and validates an event before it is written (a bad event is a bug: it throws). */
export function makeRunEvent(e: RunEventInput): RunEvent {
  return parseRunEvent({ ...e, t: e.t ?? Date.now() });
}

/** One line of events.jsonl (an unparseable or invalid line is a DataError). */
export function parseRunEventLine(line: string): RunEvent {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new DataError('bad run event: not JSON');
  }
  return parseRunEvent(v);
}
