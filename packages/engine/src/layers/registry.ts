import type { LayerType } from './layer-type.js';
import { conv2d } from './conv2d.js';
import { maxPooling2d } from './max-pooling2d.js';
import { dropout } from './dropout.js';
import { flatten } from './flatten.js';
import { dense } from './dense.js';
import { activation } from './activation.js';
import { averagePooling2d } from './average-pooling2d.js';
import { globalAveragePooling2d } from './global-average-pooling2d.js';
import { globalMaxPooling2d } from './global-max-pooling2d.js';
import { batchNormalization } from './batch-normalization.js';

/**
 * Every layer type the engine knows, one module each. Adding a type: write
 * ./<type>.ts (a LayerType) and its test, and list it here; the spec type,
 * validation, forward, backward, weights, Keras/tfjs export and import, summary
 * and memory estimate all follow from this list.
 */
export const LAYER_TYPES = [
  conv2d, maxPooling2d, dropout, flatten, dense, activation,
  averagePooling2d, globalAveragePooling2d, globalMaxPooling2d, batchNormalization,
] as const;

type SpecOf<T> = T extends LayerType<infer L> ? L : never;
/** One entry of ModelSpec.layers. */
export type LayerSpec = SpecOf<(typeof LAYER_TYPES)[number]>;

const BY_TYPE = new Map<string, LayerType>(LAYER_TYPES.map((t) => [t.type, t as unknown as LayerType]));
const BY_CLASS = new Map<string, LayerType>(LAYER_TYPES.map((t) => [t.className, t as unknown as LayerType]));

/** The module of a (validated) spec layer. */
export function layerType(l: LayerSpec): LayerType<LayerSpec> {
  return BY_TYPE.get(l.type) as unknown as LayerType<LayerSpec>;
}

/** The module of a Keras class name, or undefined. */
export function layerTypeOfClass(className: string): LayerType<LayerSpec> | undefined {
  return BY_CLASS.get(className) as unknown as LayerType<LayerSpec> | undefined;
}

/** Whether the layer holds weights (kernel and bias; gamma, beta and moving statistics). */
export function isWeighted(l: LayerSpec): boolean {
  return layerType(l).weights !== undefined;
}
