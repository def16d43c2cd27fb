import type { ModelSpec } from './spec.js';
import { h5wasm, type H5Group } from './h5.js';

/**
 * A small Sequential model file written with h5wasm the way tf-keras 2.15 +
 * h5py 3 write `model.save('m.h5')`, independently of our writer: Keras's own
 * layer names (conv2d, conv2d_1, dense, ...), an InputLayer in model_config,
 * variable-length string attributes (h5py 3 writes bytes that way), empty
 * weight_names as float64 [0], groups created in sorted name order.
 *
 * Network: conv2d 3x3x2->3 relu same, max_pooling2d 2, conv2d_1 3x3x3->4 relu,
 * flatten, dense 4->5 relu, dropout, dense_1 5->3 softmax on 6x6x2 input.
 * `variant` breaks it in one way for the bad-file tests.
 */
export type FixtureVariant = 'ok' | 'functional' | 'unsupported' | 'wrong-shape' | 'no-config';

const init = { kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };
const conv = (name: string, filters: number, padding: string) => ({ class_name: 'Conv2D', config: { name, trainable: true, dtype: 'float32', filters, kernel_size: [3, 3], strides: [1, 1], padding, data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true, ...init } });
const dense = (name: string, units: number, activation: string) => ({ class_name: 'Dense', config: { name, trainable: true, dtype: 'float32', units, activation, use_bias: true, ...init } });

/** [layer name, kernel shape, bias shape] of the weighted layers, in model order. */
export const FIXTURE_WEIGHTS: [string, number[], number[]][] = [
  ['conv2d', [3, 3, 2, 3], [3]], ['conv2d_1', [3, 3, 3, 4], [4]], ['dense', [4, 5], [5]], ['dense_1', [5, 3], [3]],
];

export const FIXTURE_SPEC: ModelSpec = {
  name: 'sequential', inputShape: [6, 6, 2], labels: ['class_0', 'class_1', 'class_2'],
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }, { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' }, { type: 'flatten' },
    { type: 'dense', units: 5, activation: 'relu' }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 3, activation: 'softmax' },
  ],
};

/** Known values: the flat vector in our layout (per layer kernel then bias, Keras shapes). */
export function fixtureWeights(): Float32Array {
  const n = FIXTURE_WEIGHTS.reduce((a, [, k, b]) => a + k.reduce((x, y) => x * y, 1) + b[0], 0);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731) * 0.6);
}

export async function writeKerasFixture(file: string, variant: FixtureVariant = 'ok'): Promise<void> {
  const h5 = await h5wasm();
  const layers: unknown[] = [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 6, 2], dtype: 'float32', sparse: false, ragged: false, name: 'conv2d_input' } },
    conv('conv2d', 3, 'same'),
    { class_name: 'MaxPooling2D', config: { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' } },
    conv('conv2d_1', 4, 'valid'),
    { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
    dense('dense', 5, 'relu'),
    { class_name: 'Dropout', config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null } },
    dense('dense_1', 3, 'softmax'),
  ];
  if (variant === 'unsupported') layers.splice(2, 0, { class_name: 'LayerNormalization', config: { name: 'layer_normalization', axis: [3], epsilon: 0.001 } });
  const modelConfig = variant === 'functional'
    ? { class_name: 'Functional', config: { name: 'model', layers: [], input_layers: [['input_1', 0, 0]], output_layers: [['dense_1', 0, 0]] } }
    : { class_name: 'Sequential', config: { name: 'sequential', layers } };
  const f = new h5.File(file, 'w');
  try {
    f.create_attribute('keras_version', '2.15.0');
    f.create_attribute('backend', 'tensorflow');
    if (variant !== 'no-config') f.create_attribute('model_config', JSON.stringify(modelConfig));
    f.create_attribute('training_config', JSON.stringify({ loss: 'categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { name: 'Adam', learning_rate: 0.001 } } }));
    const mw = f.create_group('model_weights');
    const names = layers.slice(1).map((l) => (l as { config: { name: string } }).config.name);
    mw.create_attribute('layer_names', names);
    mw.create_attribute('backend', 'tensorflow');
    mw.create_attribute('keras_version', '2.15.0');
    const w = fixtureWeights();
    let offset = 0;
    const data = new Map<string, [number[], Float32Array][]>();
    for (const [name, k, b] of FIXTURE_WEIGHTS) {
      const kn = k.reduce((x, y) => x * y, 1);
      data.set(name, [[k, w.slice(offset, offset + kn)], [b, w.slice(offset + kn, offset + kn + b[0])]]);
      offset += kn + b[0];
    }
    for (const name of [...names].sort()) {
      const g = mw.create_group(name) as H5Group;
      const tensors = data.get(name);
      if (!tensors) {
        g.create_attribute('weight_names', new Float64Array(0), [0], '<d');
        continue;
      }
      g.create_attribute('weight_names', [`${name}/kernel:0`, `${name}/bias:0`]);
      const sub = g.create_group(name);
      const [[ks, kv], [bs, bv]] = tensors;
      const kshape = variant === 'wrong-shape' && name === 'dense' ? [5, 4] : ks;
      sub.create_dataset({ name: 'kernel:0', data: kv, shape: kshape, dtype: '<f' });
      sub.create_dataset({ name: 'bias:0', data: bv, shape: bs, dtype: '<f' });
    }
  } finally {
    f.close();
  }
}
