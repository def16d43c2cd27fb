/**
 * What an epoch and a test set come to: per-epoch sums and the means made of
 * them (one formula for the trainer, the resumable run and its checkpoints),
 * and the test part of metrics.json (loss, accuracy, confusion matrix,
 * per-class accuracy) for `tensorpool train` and the distributed coordinator.
 */
import type { EvalResult } from './types.js';

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  imagesPerSecond: number;
}

export interface ClassMetrics {
  labels: string[];
  /** [true class][predicted class] counts. */
  confusionMatrix: number[][];
  /** Per true class: correct / count (null for a class absent from the set). */
  perClassAccuracy: Record<string, number | null>;
}

export function classMetrics(labels: string[], truth: ArrayLike<number>, predicted: ArrayLike<number>): ClassMetrics {
  const k = labels.length;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) cm[truth[i]][predicted[i]]++;
  const perClassAccuracy: Record<string, number | null> = {};
  labels.forEach((l, c) => {
    const n = cm[c].reduce((a, b) => a + b, 0);
    perClassAccuracy[l] = n ? cm[c][c] / n : null;
  });
  return { labels, confusionMatrix: cm, perClassAccuracy };
}

/** Sums over the steps of an epoch so far (kept in checkpoints to resume mid-epoch). */
export interface EpochSums {
  lossSum: number;
  correct: number;
  samples: number;
  seconds: number;
}

export const NO_SUMS: Readonly<EpochSums> = { lossSum: 0, correct: 0, samples: 0, seconds: 0 };

export function addSums(a: EpochSums, b: EpochSums): EpochSums {
  return { lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct, samples: a.samples + b.samples, seconds: a.seconds + b.seconds };
}

/** Mean loss and accuracy per sample (NaN without samples) and samples per second. */
export function epochMeans(s: EpochSums): { loss: number; accuracy: number; imagesPerSecond: number } {
  return {
    loss: s.samples ? s.lossSum / s.samples : NaN,
    accuracy: s.samples ? s.correct / s.samples : NaN,
    imagesPerSecond: s.samples / Math.max(s.seconds, 1e-9),
  };
}

/** The test part of metrics.json: loss, accuracy and size of the test set, with its class metrics. */
export function testMetrics(labels: string[], test: EvalResult): { testLoss: number; testAccuracy: number; testSamples: number } & ClassMetrics {
  return { testLoss: test.loss, testAccuracy: test.accuracy, testSamples: test.count, ...classMetrics(labels, test.labels, test.predictions) };
}
