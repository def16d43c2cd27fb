import { describe, expect, it } from 'vitest';
import { UsageError } from '@tensorpool/core';
import { epochOrder, shardIndices } from './shard.js';

describe('shardIndices / epochOrder', () => {
  it('shards are disjoint, cover 0..n-1 and differ in size by at most 1', () => {
    for (const [n, shards] of [[0, 3], [1, 4], [10, 3], [101, 7], [64, 8], [5, 5], [1000, 1]]) {
      const parts = shardIndices(n, shards, 42, 3);
      expect(parts).toHaveLength(shards);
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const seen = new Uint8Array(n);
      for (const p of parts) for (const i of p) seen[i]++;
      expect(Array.from(seen).every((c) => c === 1)).toBe(true);
    }
  });

  it('is a pure function of (n, shards, seed, epoch)', () => {
    expect(shardIndices(97, 4, 7, 2)).toEqual(shardIndices(97, 4, 7, 2));
    expect(epochOrder(97, 7, 2)).toEqual(epochOrder(97, 7, 2));
    expect(epochOrder(97, 7, 2)).not.toEqual(epochOrder(97, 7, 3));
    expect(epochOrder(97, 7, 2)).not.toEqual(epochOrder(97, 8, 2));
  });

  it('one shard is the epoch order, and shards are consecutive pieces of it', () => {
    const order = epochOrder(50, 1, 0);
    expect(shardIndices(50, 1, 1, 0)[0]).toEqual(order);
    const joined = shardIndices(50, 3, 1, 0).flatMap((p) => Array.from(p));
    expect(joined).toEqual(Array.from(order));
  });

  it('epochOrder is a permutation that actually shuffles', () => {
    const order = epochOrder(1000, 42, 0);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const fixed = order.filter((v, i) => v === i).length;
    expect(fixed).toBeLessThan(20); // about 1 expected for a random permutation
  });

  it('rejects bad arguments with UsageError', () => {
    expect(() => shardIndices(10, 0, 1, 0)).toThrow(UsageError);
    expect(() => shardIndices(10, 1.5, 1, 0)).toThrow(UsageError);
    expect(() => epochOrder(-1, 1, 0)).toThrow(UsageError);
    expect(() => epochOrder(10, 1, -1)).toThrow(UsageError);
  });
});
