/**
 * Declarative model spec in Keras vocabulary. A spec plus a seed fully
 * determines a network and its initial weights; it is what job payloads,
 * checkpoints and saved models carry (never tfjs objects).
 *
 * Shapes are channels-last: input [h, w, c], activations [batch, h, w, c].
 */
export type Activation = 'relu' | 'softmax' | 'linear';
export type Padding = 'same' | 'valid';

export type LayerSpec =
  | {
      type: 'conv2d';
      filters: number;
      kernelSize: number | [number, number];
      strides?: number | [number, number];
      padding?: Padding; // default 'valid', as in Keras
      activation?: Activation;
    }
  | { type: 'maxPooling2d'; poolSize?: number | [number, number]; strides?: number | [number, number]; padding?: Padding }
  | { type: 'dropout'; rate: number }
  | { type: 'flatten' }
  | { type: 'dense'; units: number; activation?: Activation }
  | { type: 'activation'; activation: Activation };

export interface ModelSpec {
  name: string;
  /** [h, w, c] */
  inputShape: [number, number, number];
  /** Class names; output units of the last dense layer = labels.length. */
  labels: string[];
  layers: LayerSpec[];
}
