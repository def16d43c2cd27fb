/**
 * Seeded, stratified train/test split: within each class the samples are
 * shuffled with Random(seed, SPLIT_STREAM, classIndex) and the first
 * round(count * testFraction) go to the test set. Both sides keep the original
 * sample order, so the result depends only on (labels, testFraction, seed).
 */
import { Random, UsageError } from '@tensorpool/core';

/** Names the split's random streams apart from epoch shuffles (Random(seed, epoch)). */
const SPLIT_STREAM = 0x73706c74; // "splt"

export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

export function splitIndices(labels: ArrayLike<number>, numClasses: number, testFraction: number, seed: number): SplitIndices {
  if (!(testFraction >= 0 && testFraction < 1)) throw new UsageError(`testFraction must be in [0, 1), got ${testFraction}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`seed must be a non-negative integer, got ${seed}`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const isTest = new Uint8Array(labels.length);
  let nTest = 0;
  byClass.forEach((members, c) => {
    const k = Math.round(members.length * testFraction);
    new Random(seed, SPLIT_STREAM, c).shuffle(members);
    for (let j = 0; j < k; j++) isTest[members[j]] = 1;
    nTest += k;
  });
  const train = new Int32Array(labels.length - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < labels.length; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}
