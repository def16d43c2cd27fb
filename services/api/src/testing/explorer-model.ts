/**
 * A known model and image for the explorer tests: the tiny conv net with
 * seeded initial weights (no training needed: its feature maps are already
 * not constant) and a normalization that is not the default, so a page that
 * skipped it would show other numbers; the image a 40x40 RGB PNG, so the
 * explorer has to resize and convert it to gray as training data are.
 * `referenceOutputs` computes the conv and pooling outputs with plain tf ops,
 * apart from the engine's forward pass the explorer runs.
 */
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { decodeImage } from '@tensorpool/data';
import { initialWeights, layerInfos, type ModelSpec } from '@tensorpool/engine';
import { normalizeInto, type Normalization } from '@tensorpool/preprocessing';
import { saveModelDir } from '@tensorpool/training';
import { TINY_SPEC } from './runs.js';

export const KNOWN_SPEC = TINY_SPEC as ModelSpec;
export const KNOWN_NORMALIZATION: Normalization = { mean: [0.3], std: [0.25] };

export async function saveKnownModel(dir: string, seed = 11): Promise<Float32Array> {
  mkdirSync(dir, { recursive: true });
  const weights = initialWeights(KNOWN_SPEC, seed);
  await saveModelDir(dir, { spec: KNOWN_SPEC, weights, normalization: KNOWN_NORMALIZATION, h5: false });
  return weights;
}

/** A 40x40 RGB PNG: a diagonal gradient with a bright square and a dark bar. */
export async function knownImagePng(size = 40): Promise<Buffer> {
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inSquare = x > 8 && x < 20 && y > 10 && y < 24;
      const inBar = x > 26 && x < 32;
      const v = inSquare ? 250 : inBar ? 10 : Math.round((255 * (x + y)) / (2 * size));
      px.set([v, Math.min(255, v + 20), Math.max(0, v - 30)], (y * size + x) * 3);
    }
  }
  return sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** conv2d_1 (with its ReLU) and max_pooling2d_1 outputs [h, w, c] of `image` by tf.conv2d / tf.maxPool. */
export async function referenceOutputs(weights: Float32Array, image: Buffer): Promise<{ conv: Float32Array; pool: Float32Array }> {
  const [h, w, c] = KNOWN_SPEC.inputShape;
  const pixels = new Uint8Array(h * w * c);
  await decodeImage(image, KNOWN_SPEC.inputShape, pixels);
  const x = new Float32Array(pixels.length);
  normalizeInto(pixels, x, 1, KNOWN_SPEC.inputShape, KNOWN_NORMALIZATION);
  const conv = layerInfos(KNOWN_SPEC)[0];
  return tf.tidy(() => {
    const k = tf.tensor4d(weights.subarray(conv.kernel!.offset, conv.kernel!.offset + conv.kernel!.size), conv.kernel!.shape as [number, number, number, number]);
    const b = tf.tensor1d(weights.subarray(conv.bias!.offset, conv.bias!.offset + conv.bias!.size));
    const y = tf.relu(tf.add(tf.conv2d(tf.tensor4d(x, [1, h, w, c]), k, 1, 'valid'), b)) as tf.Tensor4D;
    return { conv: new Float32Array(y.dataSync()), pool: new Float32Array(tf.maxPool(y, 2, 2, 'valid').dataSync()) };
  });
}
