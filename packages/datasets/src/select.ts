/**
 * A stored dataset seen through the options a job (or `train`) loads data with,
 * so `cache.load(ref, opts)` gives what `loadDataset(path, opts)` gives:
 *  - shape: must equal the stored shape (images were resized at push time);
 *  - classes: the stored class names in the caller's order (labels remapped,
 *    images untouched); the same set of names is required;
 *  - limit / testLimit: N samples by the rule `loadDataset` applies (limitSamples:
 *    per class, by content, so the same images as a local load of the folder).
 */
import { DataError } from '@tensorpool/core';
import { limitSamples, sharedBytes, type DatasetSplits, type ImageSet } from '@tensorpool/data';

export interface SelectOptions {
  shape?: readonly [number, number, number] | readonly number[];
  classes?: readonly string[];
  limit?: number;
  testLimit?: number;
}

function reorder(set: ImageSet, classes: readonly string[]): ImageSet {
  const map = set.classes.map((c) => classes.indexOf(c));
  const labels = sharedBytes(set.n, 'labels');
  for (let i = 0; i < set.n; i++) labels[i] = map[set.labels[i]];
  return { ...set, labels, classes: [...classes] };
}

export function selectSplits(d: DatasetSplits, opts: SelectOptions, what: string): DatasetSplits {
  let { train, test } = d;
  if (opts.shape && opts.shape.join('x') !== train.shape.join('x')) {
    throw new DataError(`${what} holds ${train.shape.join('x')} images; the model expects ${opts.shape.join('x')} (push it again with --shape ${opts.shape.join('x')})`);
  }
  const want = opts.classes;
  if (want && want.join('\u0000') !== train.classes.join('\u0000')) {
    const same = want.length === train.classes.length && want.every((c) => train.classes.includes(c));
    if (!same) throw new DataError(`${what} has classes [${train.classes.join(', ')}]; the model's labels are [${want.join(', ')}]`);
    train = reorder(train, want);
    test = reorder(test, want);
  }
  if (opts.limit !== undefined) train = limitSamples(train, opts.limit);
  if (opts.testLimit !== undefined) test = limitSamples(test, opts.testLimit);
  return { ...d, train, test };
}
