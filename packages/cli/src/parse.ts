import { BackendError, UsageError } from '@tensorpool/core';
import { resolveBackendName } from '@tensorpool/engine/backend';

/** Commander option parsers shared by the commands: each names its flag in the error. */

export function parsePositiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${v}'`);
    return n;
  };
}

export function parseNonNegativeInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer, got '${v}'`);
    return n;
  };
}

export function parseFraction(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !(n > 0 && n < 1)) throw new UsageError(`${flag} must be a number between 0 and 1, got '${v}'`);
    return n;
  };
}

/**
 * The backend of the trainer's worker threads: --backend, else
 * TENSORPOOL_BACKEND, else wasm. tfjs-node fails when loaded in a second
 * worker thread (tensorflow/tfjs#8388), so 'tensorflow' is refused here.
 */
export function threadBackend(option?: string): 'wasm' | 'cpu' {
  const b = resolveBackendName(option);
  if (b === 'tensorflow') {
    throw new BackendError(`the tensorflow backend (@tensorflow/tfjs-node) cannot run in worker threads (tensorflow/tfjs#8388): ${option !== undefined ? 'use --backend' : 'set TENSORPOOL_BACKEND to'} wasm or cpu`);
  }
  return b;
}

export const BACKEND_HELP = 'tfjs backend of the worker threads: wasm or cpu (default: TENSORPOOL_BACKEND, else wasm)';
