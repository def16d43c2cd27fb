/**
 * `limit` / `testLimit`: which `count` samples of a split are kept. One rule
 * for `train --limit`, `dataset push --limit` and distributed jobs (`limit`,
 * `testLimit` on a path, a built-in or a store dataset):
 *
 *  1. Per class, in proportion to the class's share of the split (largest
 *     remainders; equal remainders go to the class whose name sorts first),
 *     so a limited split has the classes of the whole one. (The first N
 *     samples would not: a stored dataset is label-sorted, so the first N are
 *     one or two classes.)
 *  2. Within a class, the samples with the smallest FNV-1a hash of their
 *     pixels (equal hashes: by pixel bytes): a fixed pseudo-random draw that
 *     depends on the content only, not on the order of the samples. A local
 *     folder lists by file name and a stored dataset is in canonical order
 *     (label, pixels), so any rule by position would pick different images
 *     locally and on the workers; this one picks the same.
 *
 * The kept samples stay in the split's order. Not seeded: the same limit
 * gives the same samples whatever `--seed`, so runs that differ in seed
 * compare on the same data, and every process of a job agrees without being
 * told anything but `limit`.
 */
import { UsageError } from '@tensorpool/core';
import { sampleBytes, subset } from './subset.js';
import type { ImageSet } from './types.js';

/** FNV-1a (32 bit) of one sample's bytes. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** How many of each class `count` keeps: proportional, largest remainders first. */
export function classQuotas(sizes: readonly number[], names: readonly string[], count: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const quotas = sizes.map((s) => Math.floor((count * s) / n));
  let left = count - quotas.reduce((a, b) => a + b, 0);
  const order = sizes.map((_, c) => c).sort((a, b) => ((count * sizes[b]) % n) - ((count * sizes[a]) % n) || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b));
  for (const c of order) {
    if (left === 0) break;
    if (quotas[c] < sizes[c]) {
      quotas[c]++;
      left--;
    }
  }
  return quotas;
}

/**
 * Sorts sample indices of `set` into content order: by FNV-1a hash of the
 * pixels, then by the pixel bytes. The same samples come out in the same order
 * whatever order they came in (equal pixels are the same sample to training).
 */
export function sortByContent(set: ImageSet, members: number[]): void {
  const per = sampleBytes(set);
  const pixels = (i: number) => set.images.subarray(i * per, (i + 1) * per);
  const hash = new Map(members.map((i) => [i, fnv1a(pixels(i))]));
  members.sort((a, b) => hash.get(a)! - hash.get(b)! || compareBytes(pixels(a), pixels(b)));
}

/** Indices (ascending) of the `count` samples `limitSamples` keeps. */
export function limitIndices(set: ImageSet, count: number): Int32Array {
  if (!Number.isSafeInteger(count) || count < 0) throw new UsageError(`limit must be a non-negative integer, got ${count}`);
  if (count >= set.n) return Int32Array.from({ length: set.n }, (_, i) => i);
  const byClass: number[][] = set.classes.map(() => []);
  for (let i = 0; i < set.n; i++) byClass[set.labels[i]].push(i);
  const quotas = classQuotas(byClass.map((m) => m.length), set.classes, count);
  const keep: number[] = [];
  byClass.forEach((members, c) => {
    if (quotas[c] === 0) return;
    sortByContent(set, members);
    keep.push(...members.slice(0, quotas[c]));
  });
  return Int32Array.from(keep).sort();
}

/** The split limited to `count` samples by the rule above (the set itself when it has no more). */
export function limitSamples(set: ImageSet, count: number): ImageSet {
  if (count >= set.n && Number.isSafeInteger(count)) return set;
  return subset(set, limitIndices(set, count));
}
