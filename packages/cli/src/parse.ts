import { UsageError } from '@tensorpool/core';

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

export function parseBackend(v: string): 'wasm' | 'cpu' {
  if (v !== 'wasm' && v !== 'cpu') throw new UsageError(`--backend must be wasm or cpu (worker threads cannot use tensorflow), got '${v}'`);
  return v;
}
