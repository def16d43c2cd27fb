/**
 * Declarative model spec in Keras vocabulary. A spec plus a seed fully
 * determines a network and its initial weights; it is what job payloads,
 * checkpoints and saved models carry (never tfjs objects).
 *
 * Shapes are channels-last: input [h, w, c], activations [batch, h, w, c].
 * The layer entries are defined by the layer modules (layers/<type>.ts) and
 * listed in layers/registry.ts.
 */
export type Activation = 'relu' | 'softmax' | 'linear';
export type Padding = 'same' | 'valid';

export type { LayerSpec } from './layers/registry.js';
import type { LayerSpec } from './layers/registry.js';

export interface ModelSpec {
  name: string;
  /** [h, w, c] */
  inputShape: [number, number, number];
  /** Class names; output units of the last dense layer = labels.length. */
  labels: string[];
  layers: LayerSpec[];
}
