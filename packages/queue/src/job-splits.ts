/**
 * What a distributed job trains, validates and tests on, as `tensorpool
 * train` does with the same options:
 *
 *   trainIndices  indices into data.train that are trained on (sharded per epoch)
 *   validation    `validationSplit` of the training split, held out by a seeded,
 *                 stratified draw over the images in content order (validationIndices:
 *                 the same images as `train --validation-split`); never the test split
 *   test          data.test
 *
 * A pure function of (dataset, validationSplit, seed), so every worker and
 * the coordinator compute the same split without talking.
 */
import { JobError } from '@tensorpool/core';
import { subset, validationIndices, type DatasetSplits, type ImageSet } from '@tensorpool/data';
import { channelStats, type Normalization } from '@tensorpool/preprocessing';
import type { JobOptions } from './schema.js';

export interface JobSplits {
  /** Indices into data.train of the samples trained on. */
  trainIndices: Int32Array;
  /** Indices into data.train of the validation samples (empty without a validation split). */
  validationIndices: Int32Array;
}

export function jobSplits(data: DatasetSplits, o: Pick<JobOptions, 'validationSplit' | 'seed'>): JobSplits {
  const n = data.train.n;
  const fraction = o.validationSplit ?? 0;
  if (fraction === 0) return { trainIndices: Int32Array.from({ length: n }, (_, i) => i), validationIndices: new Int32Array(0) };
  const r = validationIndices(data.train.labels, data.train.classes.length, fraction, o.seed, data.train);
  if (r.train.length === 0) throw new JobError(`validationSplit: ${fraction} leaves no training samples of ${n}`);
  return { trainIndices: r.train, validationIndices: r.validation };
}

/** The validation set as its own (shared) images, or undefined without a validation split. */
export function validationSet(data: DatasetSplits, s: JobSplits): ImageSet | undefined {
  return s.validationIndices.length > 0 ? subset(data.train, s.validationIndices) : undefined;
}

/**
 * `normalization: 'mean-std'` resolved: per-channel mean and std of the
 * samples trained on (after the validation hold-out), in pixel units, as
 * `train --normalization mean-std` computes them.
 */
export function meanStdOf(data: DatasetSplits, s: JobSplits): { mean: number[]; std: number[] } {
  const t = s.trainIndices.length === data.train.n ? data.train : subset(data.train, s.trainIndices);
  const stats = channelStats(t.images, t.n, t.shape);
  const flat = stats.std.findIndex((x) => !(x > 0));
  if (flat >= 0) throw new JobError(`normalization: mean-std: channel ${flat} of the training images is constant (std 0); use div256 or div255`);
  return stats;
}

/** The job's normalization once the coordinator has resolved 'mean-std' (JobError before that). */
export function resolvedNormalization(o: Pick<JobOptions, 'normalization'>): Normalization {
  if (o.normalization === 'mean-std') throw new JobError('normalization: mean-std has not been measured yet (the coordinator does that when the job starts)');
  return o.normalization;
}

/**
 * What a shard trains on without offline augmentation: its indices into
 * data.train (`augment: 'offline'`: offline-expansion.ts, once per job per worker).
 */
export function shardTrainingSet(data: DatasetSplits, indices: Int32Array): { train: ImageSet; indices: Int32Array } {
  return { train: data.train, indices };
}
