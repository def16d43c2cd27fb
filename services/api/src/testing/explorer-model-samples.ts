/**
 * samples.json/.png for the known model (explorer-model.ts): a few synthetic
 * test images, labelled 0, 1, 2, ..., predicted by the engine's forward pass.
 */
import type { ImageSet } from '@tensorpool/core';
import { layerOutputs } from '@tensorpool/engine';
import { normalizeInto } from '@tensorpool/preprocessing';
import { saveSamples } from '@tensorpool/training';
import { KNOWN_NORMALIZATION, KNOWN_SPEC } from './explorer-model.js';

export async function saveKnownSamples(dir: string, weights: Float32Array, n = 12): Promise<void> {
  const [h, w, c] = KNOWN_SPEC.inputShape;
  const size = h * w * c;
  const k = KNOWN_SPEC.labels.length;
  const images = new Uint8Array(n * size).map((_, i) => (i * 37 + Math.floor(i / size) * 11) % 256);
  const set: ImageSet = { images, labels: Uint8Array.from({ length: n }, (_, i) => i % k), n, shape: [h, w, c], classes: KNOWN_SPEC.labels };
  const predict = async (x: Float32Array, m: number) => {
    const out = new Float32Array(m * k);
    for (let i = 0; i < m; i++) out.set(layerOutputs(KNOWN_SPEC, weights, x.subarray(i * size, (i + 1) * size)).probabilities, i * k);
    return out;
  };
  const x = new Float32Array(n * size);
  normalizeInto(images, x, n, [h, w, c], KNOWN_NORMALIZATION);
  const probs = await predict(x, n);
  const predictions = Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    return best;
  });
  await saveSamples(dir, { set, labels: KNOWN_SPEC.labels, test: { labels: Int32Array.from(set.labels), predictions }, normalization: KNOWN_NORMALIZATION, predict });
}
