import type { Json } from './layer-type.js';
import { l2ToKeras, type L2 } from './l2.js';

/** The Keras config fields of a weighted layer with Keras's default initialisers, in Keras's key order. */
export function kerasWeightFields(v3: boolean, reg: L2 | undefined): Json {
  const glorot = v3 ? { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } : { class_name: 'GlorotUniform', config: { seed: null } };
  const zeros = v3 ? { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null } : { class_name: 'Zeros', config: {} };
  return {
    use_bias: true, kernel_initializer: glorot, bias_initializer: zeros,
    kernel_regularizer: l2ToKeras(reg, v3), bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
  };
}
