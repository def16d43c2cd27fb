/**
 * What the pooling explorer and `tensorpool visualize` show for one image:
 * the image as the model sees it (decoded and resized as training data are,
 * then normalized as the model's metadata says), every step's output of the
 * real forward pass (engine layerOutputs), and for each MaxPooling2D layer
 * which input value each output took (pool-windows.ts).
 */
import { UsageError } from '@tensorpool/core';
import { decodeImage } from '@tensorpool/data';
import { layerOutputs, type LayerOutput } from '@tensorpool/engine';
import { normalizeInto } from '@tensorpool/preprocessing';
import type { TrainedModel } from './model-dir.js';
import { poolWindows, type PoolWindows } from './pool-windows.js';

export interface PoolView extends PoolWindows {
  /** Index into Explanation.layers of the pooling step, and of its input (-1: the network input). */
  step: number;
  inputStep: number;
}

export interface Explanation {
  /** [h, w, c] uint8: the decoded, resized image. */
  pixels: Uint8Array;
  /** [h, w, c] float32: the normalized input the network got. */
  input: Float32Array;
  layers: LayerOutput[];
  pools: PoolView[];
  /** [classes] softmax probabilities. */
  probabilities: Float32Array;
}

/** Decodes an image file or its bytes to the model's input shape [h, w, c] (uint8). */
export async function decodeForModel(model: TrainedModel, image: string | Buffer): Promise<Uint8Array> {
  const shape = model.spec.inputShape;
  const pixels = new Uint8Array(shape[0] * shape[1] * shape[2]);
  await decodeImage(image, shape, pixels);
  return pixels;
}

/** The forward pass of one image [h, w, c] uint8 through `model`, on this thread's tf backend. */
export function explain(model: TrainedModel, pixels: Uint8Array): Explanation {
  const shape = model.spec.inputShape;
  if (pixels.length !== shape[0] * shape[1] * shape[2]) throw new UsageError(`image has ${pixels.length} values, the model takes ${shape.join('x')}`);
  const input = new Float32Array(pixels.length);
  normalizeInto(pixels, input, 1, shape, model.normalization);
  const { layers, probabilities } = layerOutputs(model.spec, model.weights, input);
  const pools: PoolView[] = [];
  layers.forEach((l, step) => {
    const spec = model.spec.layers[l.layer];
    if (spec.type !== 'maxPooling2d') return;
    const inputStep = step - 1;
    const inValues = inputStep < 0 ? input : layers[inputStep].values;
    const inShape = inputStep < 0 ? [...shape] : layers[inputStep].shape;
    pools.push({ step, inputStep, ...poolWindows(spec, inValues, inShape, l.shape) });
  });
  return { pixels, input, layers, pools, probabilities };
}
