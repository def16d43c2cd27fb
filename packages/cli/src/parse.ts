import { parseWholeNumber, UsageError } from '@tensorpool/core';

/** Commander option parsers shared by the commands: each names its flag in the error. */

export function parsePositiveInt(flag: string) {
  return (v: string): number => parseWholeNumber(flag, v, 1);
}

export function parseNonNegativeInt(flag: string) {
  return (v: string): number => parseWholeNumber(flag, v, 0);
}

export function parseFraction(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !(n > 0 && n < 1)) throw new UsageError(`${flag} must be a number between 0 and 1, got '${v}'`);
    return n;
  };
}

/** The backend of the trainer's worker threads: --backend, else TENSORPOOL_BACKEND, else wasm (never 'tensorflow'). */
export { threadBackendName as threadBackend } from '@tensorpool/engine/backend';

export const BACKEND_HELP = 'tfjs backend of the worker threads: wasm or cpu (default: TENSORPOOL_BACKEND, else wasm)';
