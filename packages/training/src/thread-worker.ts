/**
 * Piscina entry of a gradient thread. Each thread lazily builds one Replica of
 * the spec on its own tfjs backend and serves any task kind; all arrays are the
 * shared views from workerData (see @tensorpool/core protocol/thread.ts).
 */
import { threadId, workerData } from 'node:worker_threads';
import { initBackend, movingEntries, Replica, type ModelSpec, type WeightEntry } from '@tensorpool/engine';
import { encodeThreadError, TrainingError, type ThreadTask, type ThreadResultMap, type SampleStats } from '@tensorpool/core';
import { viewsOf, type SharedViews } from './shared-state.js';
import { controlBytes, reduceAdam, StepControl, type FusedGradientsTask } from './fused-step.js';
import { SharedGradient } from './shared-gradient.js';
import { THREAD_REPLICA } from './thread-replica.js';
import type { TrainingThreadInit } from './pool.js';
import { BatchExchange } from './batch-exchange.js';

interface ThreadState {
  replica: Replica;
  views: SharedViews;
  /** weightsVersion last copied into the replica's variables. */
  version: number;
  backend: string;
  sampleSize: number;
  control: StepControl;
  /** Cross-thread batch statistics of a fused step (./batch-exchange.ts). */
  exchange: BatchExchange;
  /** Weight entries the optimizer step moving-averages instead of Adam. */
  moving: WeightEntry[];
  /** Set when all tasks of a step add into one gradient slot. */
  gradient?: SharedGradient;
}

const init = workerData as TrainingThreadInit<ModelSpec>;
let state: Promise<ThreadState> | undefined;

async function build(): Promise<ThreadState> {
  const backend = await initBackend(init.backend, { inWorkerThread: true });
  const [h, w, c] = init.spec.inputShape;
  const replica = new Replica(init.spec, THREAD_REPLICA);
  // One party per micro-batch (task.slot), also when they share one gradient slot.
  const control = new StepControl(init.control, init.microBatches);
  const gradient = init.buffers.grads.length === 1 ? new SharedGradient(init.control, controlBytes(init.microBatches), init.pieces, () => control.aborted()) : undefined;
  return {
    replica, views: viewsOf(init.buffers, init.total), version: -1, backend, sampleSize: h * w * c, control, gradient,
    exchange: new BatchExchange(init.exchange, init.microBatches, init.exchangeWidth), moving: movingEntries(replica.manifest),
  };
}

function sync(s: ThreadState, version: number): void {
  if (s.version !== version) {
    s.replica.setWeights(s.views.weights);
    s.version = version;
  }
}

/** Views of samples [start, start+count) of input buffer `b`. */
function batch(s: ThreadState, b: number, start: number, count: number) {
  return {
    x: s.views.inputs[b].subarray(start * s.sampleSize, (start + count) * s.sampleSize),
    labels: s.views.labels[b].subarray(start, start + count),
    ids: s.views.sampleIds[b].subarray(start, start + count),
  };
}

export default async function run(task: ThreadTask): Promise<ThreadResultMap[ThreadTask['kind']]> {
  try {
    return await handle(task);
  } catch (e) {
    throw encodeThreadError(e);
  }
}

async function handle(task: ThreadTask): Promise<ThreadResultMap[ThreadTask['kind']]> {
  state ??= build();
  const s = await state;
  switch (task.kind) {
    case 'warmup':
      return { threadId, backend: s.backend };
    case 'gradients': {
      const t = task as FusedGradientsTask;
      if (!t.adam) {
        const r = gradients(s, t);
        if (t.fault) injectFault(s, t);
        return r;
      }
      // Fused step: gradient, barrier, then this task's slice of reduce + Adam.
      let stats: SampleStats | undefined;
      let error: unknown;
      try {
        stats = gradients(s, t);
      } catch (e) {
        error = e;
        // The other tasks may wait for this one's batch statistics: release them.
        s.exchange.abort();
      }
      if (t.fault) injectFault(s, t);
      const update = s.control.arrive(t.slot, stats?.lossSum ?? NaN, error !== undefined, t.adam.parties);
      if (error !== undefined) throw error;
      if (update) reduceAdam(s.views.grads, s.views.weights, s.views.adamM, s.views.adamV, t.adam, s.moving);
      return stats!;
    }
    case 'reduceAdam': {
      reduceAdam(s.views.grads, s.views.weights, s.views.adamM, s.views.adamV, task, s.moving);
      return { done: true };
    }
    case 'evaluate': {
      sync(s, task.weightsVersion);
      const { x, labels } = batch(s, task.buffer, task.start, task.count);
      const r = s.replica.evaluate(x, labels, task.count);
      s.views.predictions.set(r.predictions, task.start);
      return { lossSum: r.lossSum, correct: r.correct, count: r.count } satisfies SampleStats;
    }
    case 'predict': {
      sync(s, task.weightsVersion);
      const { x } = batch(s, task.buffer, task.start, task.count);
      const p = s.replica.predict(x, task.count);
      s.views.probabilities.set(p, task.start * init.classes);
      return { done: true };
    }
  }
}

/** Test hook (FusedGradientsTask.fault): dies while the step's other tasks wait at the barrier, without arriving. */
function injectFault(s: ThreadState, t: FusedGradientsTask): never {
  if (t.adam) s.control.awaitArrivals(t.adam.parties - 1);
  if (t.fault === 'exit') process.exit(1);
  throw new TrainingError(`test fault: gradient task ${t.slot} failed on purpose`);
}

/** Where a task's gradient goes: its own slot, or its share of the one shared slot. */
function sinkOf(s: ThreadState, task: FusedGradientsTask) {
  if (!s.gradient) return s.views.grads[task.slot];
  if (!task.shared) throw new TrainingError('gradient task without its shared-slot parameters');
  return s.gradient.sink(s.views.grads[0], task.shared.parties, task.shared.scale);
}

function gradients(s: ThreadState, task: FusedGradientsTask): SampleStats {
  sync(s, task.weightsVersion);
  const { x, labels, ids } = batch(s, task.buffer, task.start, task.count);
  // Fused: every part of the step runs at once, so batch statistics are summed across them.
  const across = task.adam ? s.exchange.forTask(task.slot, task.adam.parties) : undefined;
  const r = s.replica.gradients(x, labels, task.count, { training: task.training, seed: task.seed, epoch: task.epoch, sampleIds: ids, sync: across }, sinkOf(s, task));
  return { lossSum: r.lossSum, correct: r.correct, count: r.count };
}
