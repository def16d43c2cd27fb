/**
 * Seeded, stratified train/test split: within each class the samples are
 * shuffled with Random(seed, SPLIT_STREAM, classIndex) and the first
 * round(count * testFraction) go to the test set. Both sides keep the original
 * sample order, so the result depends only on (labels, testFraction, seed).
 */
import { Random, UsageError } from '@tensorpool/core';
import { sortByContent } from './limit.js';
import type { ImageSet } from './types.js';

/** Names the split's random streams apart from epoch shuffles (Random(seed, epoch)). */
const SPLIT_STREAM = 0x73706c74; // "splt"
/** The validation hold-out's streams: apart from the test split's, so the two draws are independent. */
const VALIDATION_STREAM = 0x76616c64; // "vald"

export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

export function splitIndices(labels: ArrayLike<number>, numClasses: number, testFraction: number, seed: number, stream = SPLIT_STREAM, order?: (members: number[]) => void): SplitIndices {
  if (!(testFraction >= 0 && testFraction < 1)) throw new UsageError(`testFraction must be in [0, 1), got ${testFraction}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`seed must be a non-negative integer, got ${seed}`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const isTest = new Uint8Array(labels.length);
  let nTest = 0;
  byClass.forEach((members, c) => {
    const k = Math.round(members.length * testFraction);
    order?.(members);
    new Random(seed, stream, c).shuffle(members);
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

/**
 * The validation hold-out of a training split (`train --validation-split`,
 * a distributed job's `validationSplit`): the same seeded, stratified draw
 * as the test split, on its own random streams. Returns indices into the
 * training split: `train` (what is trained on) and `validation`, both in
 * the split's order. Never touches the test split.
 *
 * Given the split's images (`set`), each class is put in content order
 * (limit.ts sortByContent) before the seeded shuffle, so the same images are
 * held out whatever the order of the split: a local folder (file order) and
 * its stored copy (canonical order) give the same validation set.
 */
export function validationIndices(labels: ArrayLike<number>, numClasses: number, fraction: number, seed: number, set?: ImageSet): { train: Int32Array; validation: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`validationSplit must be in [0, 1), got ${fraction}`);
  const order = set ? (members: number[]) => sortByContent(set, members) : undefined;
  const { train, test } = splitIndices(labels, numClasses, fraction, seed, VALIDATION_STREAM, order);
  return { train, validation: test };
}
