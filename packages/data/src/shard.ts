/**
 * Sample orders and shards as pure functions of (n, shards, seed, epoch), so
 * every thread, process and container computes the same ones without talking.
 */
import { Random, UsageError } from '@tensorpool/core';

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * The permutation of 0..n-1 used for batching in epoch `epoch`:
 * a Fisher–Yates shuffle drawn from Random(seed, epoch).
 */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  checkInt('n', n, 0);
  checkInt('seed', seed, 0);
  checkInt('epoch', epoch, 0);
  if (n > 0x7fffffff) throw new UsageError(`n must be < 2^31, got ${n}`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return new Random(seed, epoch).shuffle(order);
}

/**
 * Splits epochOrder(n, seed, epoch) into `shards` contiguous pieces: disjoint,
 * covering 0..n-1, the first n % shards pieces one longer than the rest.
 * shardIndices(n, 1, s, e)[0] equals epochOrder(n, s, e).
 */
export function shardIndices(n: number, shards: number, seed: number, epoch: number): Int32Array[] {
  checkInt('shards', shards, 1);
  const order = epochOrder(n, seed, epoch);
  const base = Math.floor(n / shards);
  const extra = n % shards;
  const out: Int32Array[] = [];
  let start = 0;
  for (let k = 0; k < shards; k++) {
    const size = base + (k < extra ? 1 : 0);
    out.push(order.slice(start, start + size));
    start += size;
  }
  return out;
}
