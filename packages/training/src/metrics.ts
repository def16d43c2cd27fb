/** Confusion matrix and per-class accuracy for metrics.json. */

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
