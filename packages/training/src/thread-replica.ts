import type { ReplicaOptions } from '@tensorpool/engine';

/**
 * How gradient threads build their replica: big dense kernels are read from
 * the trainer's shared weights instead of copied into each thread's wasm heap.
 * The trainer sizes its shared-gradient claims from the same options.
 */
export const THREAD_REPLICA: ReplicaOptions = { shareKernels: true };
