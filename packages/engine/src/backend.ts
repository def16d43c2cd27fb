/**
 * Picks and initialises the tfjs backend for this thread.
 *
 * 'wasm' (default): XNNPACK, single-threaded in Node, plus our training kernels
 * (./kernels). 'cpu': plain JS, ~100x slower; a numeric reference. 'tensorflow':
 * @tensorflow/tfjs-node, optional, loaded only when asked for, and only on the
 * main thread (its native addon is not safe to load in several worker threads).
 */
import { isMainThread } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { BackendError, DEFAULTS, UsageError } from '@tensorpool/core';
import { registerTrainingKernels, type TrainingKernelOptions, type TrainingKernelSet } from './kernels/register.js';

export type BackendName = 'wasm' | 'cpu' | 'tensorflow';
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow'];

/** option > env TENSORPOOL_BACKEND (unless empty) > DEFAULTS.backend ('wasm'). */
export function resolveBackendName(option?: string): BackendName {
  const raw = option ?? (process.env.TENSORPOOL_BACKEND || DEFAULTS.backend);
  const name = raw.trim().toLowerCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    const from = option !== undefined ? 'backend option' : 'TENSORPOOL_BACKEND';
    throw new UsageError(`unknown ${from} '${raw}': use one of ${BACKEND_NAMES.join(', ')}`);
  }
  return name as BackendName;
}

/**
 * The backend of training worker threads (CLI trainers, queue workers and
 * evaluators): option, else TENSORPOOL_BACKEND, else wasm. tfjs-node fails
 * when loaded in a second worker thread (tensorflow/tfjs#8388), so
 * 'tensorflow' is refused here, naming the setting to change.
 */
export function threadBackendName(option?: string): 'wasm' | 'cpu' {
  const b = resolveBackendName(option);
  if (b === 'tensorflow') {
    throw new BackendError(`the tensorflow backend (@tensorflow/tfjs-node) cannot run in worker threads (tensorflow/tfjs#8388): ${option !== undefined ? 'use --backend' : 'set TENSORPOOL_BACKEND to'} wasm or cpu`);
  }
  return b;
}

export interface InitBackendOptions {
  /** Defaults to !isMainThread. 'tensorflow' is refused in worker threads. */
  inWorkerThread?: boolean;
  /** wasm only: which of our kernels to install (default 'all'; the bench compares sets). */
  kernels?: TrainingKernelSet | TrainingKernelOptions;
}

/** Sets the backend for this thread, waits until it is ready, returns its name. */
export async function initBackend(name?: BackendName | string, opts: InitBackendOptions = {}): Promise<BackendName> {
  const backend = resolveBackendName(name);
  silenceCpuBanner();
  if (backend === 'tensorflow') await loadTfjsNode(opts.inWorkerThread ?? !isMainThread);
  let ok = false;
  try {
    ok = await tf.setBackend(backend);
  } catch (e) {
    throw new BackendError(`the '${backend}' tfjs backend failed to start (${(e as Error).message}); try --backend wasm`, { cause: e });
  }
  if (!ok) throw new BackendError(`the '${backend}' tfjs backend failed to start; try --backend wasm`);
  await tf.ready();
  if (backend === 'wasm') registerTrainingKernels(opts.kernels ?? 'all');
  return backend;
}

async function loadTfjsNode(inWorkerThread: boolean): Promise<void> {
  if (inWorkerThread) {
    throw new BackendError("the 'tensorflow' backend (tfjs-node) can only run on the main thread, not in worker threads; use --backend wasm with threads");
  }
  if (tf.findBackendFactory('tensorflow')) return;
  // A variable specifier keeps TypeScript from resolving the optional package.
  const pkg = '@tensorflow/tfjs-node';
  try {
    await import(pkg);
  } catch (e) {
    throw new BackendError(
      `the 'tensorflow' backend needs @tensorflow/tfjs-node, which did not load (${firstLine(e)}); install it (pnpm add @tensorflow/tfjs-node) or use --backend wasm`,
      { cause: e },
    );
  }
  if (!tf.findBackendFactory('tensorflow')) {
    throw new BackendError("@tensorflow/tfjs-node loaded but registered no 'tensorflow' backend (version mismatch with @tensorflow/tfjs 4.22?); use --backend wasm");
  }
}

/** The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on first use. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
