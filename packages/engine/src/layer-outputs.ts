import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '@tensorpool/core';
import type { ModelSpec } from './spec.js';
import { forward, type LayerParams, type Step } from './forward.js';
import { layerInfos, weightManifest, weightName } from './manifest.js';

/**
 * Every step's output of one inference forward pass (the same forward.ts the
 * trainer runs, no dropout): what the pooling explorer and `tensorpool
 * visualize` show. A conv layer followed by a ReLU activation layer is one
 * step (fused, `relu` true), as in training.
 */
export interface LayerOutput {
  /** Index of the layer in spec.layers (the first of a fused pair). */
  layer: number;
  /** Keras-style name: conv2d_1, max_pooling2d_1, ... */
  name: string;
  type: Step['type'];
  relu: boolean;
  /** Output shape without the batch dimension: [h, w, c] or [units]. */
  shape: number[];
  /** The output values of the one sample, row-major over `shape`. */
  values: Float32Array;
}

/** Outputs of every step for one normalized input x [h, w, c], and the softmax probabilities [classes]. */
export function layerOutputs(spec: ModelSpec, weights: Float32Array, x: Float32Array): { layers: LayerOutput[]; probabilities: Float32Array } {
  const infos = layerInfos(spec);
  const manifest = weightManifest(spec);
  if (weights.length !== manifest.total) throw new ModelError(`weights have ${weights.length} values but model '${spec.name}' needs ${manifest.total}`);
  const [h, w, c] = spec.inputShape;
  if (x.length !== h * w * c) throw new ModelError(`input has ${x.length} values, model '${spec.name}' takes ${h}x${w}x${c}`);
  return tf.tidy(() => {
    const params: (LayerParams | undefined)[] = infos.map((i) => (i.weights.length > 0
      ? Object.fromEntries(i.weights.map((e) => [weightName(e), tf.tensor(weights.subarray(e.offset, e.offset + e.size), e.shape)]))
      : undefined));
    const pass = forward(spec, infos, params, tf.tensor4d(x, [1, h, w, c]), null);
    const layers = pass.steps.map((s) => ({
      layer: s.layer, name: infos[s.layer].name, type: s.type, relu: s.relu,
      shape: s.out.shape.slice(1), values: new Float32Array(s.out.dataSync()),
    }));
    return { layers, probabilities: new Float32Array(tf.softmax(pass.logits).dataSync()) };
  });
}
