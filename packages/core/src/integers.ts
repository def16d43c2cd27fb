/**
 * Integer checks shared by the CLI flags, the trainer's options and the
 * service settings. Each names what it checks in its UsageError, e.g.
 * "--epochs must be a positive integer, got '0'".
 */
import { UsageError } from './errors.js';

/** A whole number written as digits (blanks around allowed), at least `min`: the value of `what` (a flag, a variable). */
export function parseWholeNumber(what: string, text: string, min: 0 | 1 = 0): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${what} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got '${text}'`);
  }
  return n;
}

/** `v` itself when it is an integer >= 1; else UsageError naming `flag` (default `name`). */
export function checkPositiveInt(name: string, v: number, flag = name): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new UsageError(`${flag} must be a positive integer, got ${v}`);
  return v;
}
