import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from './backend.js';
import { loadModelDir, saveModelDir } from './keras.js';
import { Replica } from './replica.js';
import { referenceLoss } from './reference-net.test-util.js';

/**
 * A directory as `tensorflowjs_converter` writes it for a Keras 2 Sequential
 * model in the seed script's style (snake_case Keras config, batch_input_shape,
 * separate Activation layers, group1-shard1of1.bin, no tensorpool metadata)
 * loads as a spec with generic labels and the exact weights, predicts like an
 * independent float64 implementation, and survives our save -> load.
 */
const kerasLayer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config: { trainable: true, dtype: 'float32', ...config } });
const conv = (name: string, filters: number, padding: string, extra: Record<string, unknown> = {}) =>
  kerasLayer('Conv2D', {
    name, filters, kernel_size: [3, 3], strides: [1, 1], padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true,
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null, ...extra,
  });
const dense = (name: string, units: number) =>
  kerasLayer('Dense', {
    name, units, activation: 'linear', use_bias: true,
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
  });

const layers = [
  conv('conv2d_1', 2, 'same', { batch_input_shape: [null, 6, 6, 3] }),
  kerasLayer('Activation', { name: 'activation_1', activation: 'relu' }),
  conv('conv2d_2', 3, 'valid'),
  kerasLayer('Activation', { name: 'activation_2', activation: 'relu' }),
  kerasLayer('MaxPooling2D', { name: 'max_pooling2d_1', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }),
  kerasLayer('Dropout', { name: 'dropout_1', rate: 0.25, noise_shape: null, seed: null }),
  kerasLayer('Flatten', { name: 'flatten_1', data_format: 'channels_last' }),
  dense('dense_1', 4),
  kerasLayer('Activation', { name: 'activation_3', activation: 'softmax' }),
];
const weightSpecs = [
  ['conv2d_1/kernel', [3, 3, 3, 2]], ['conv2d_1/bias', [2]],
  ['conv2d_2/kernel', [3, 3, 2, 3]], ['conv2d_2/bias', [3]],
  ['dense_1/kernel', [12, 4]], ['dense_1/bias', [4]],
] as const;
const total = weightSpecs.reduce((a, [, s]) => a + s.reduce((x: number, y: number) => x * y, 1), 0);
const weights = Float32Array.from({ length: total }, (_, i) => Math.sin(i * 0.37) * 0.5);

describe('a Keras model converted by tensorflowjs_converter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tensorpool-kerasconv-'));
  const again = join(dir, 'resaved');
  beforeAll(async () => {
    await initBackend('cpu');
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', generatedBy: 'keras v2.2.4', convertedBy: 'TensorFlow.js Converter v1.2.2',
      modelTopology: {
        keras_version: '2.2.4', backend: 'tensorflow',
        model_config: { class_name: 'Sequential', config: { name: 'sequential_1', layers } },
        training_config: { loss: 'categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { lr: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } } },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weightSpecs.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }],
    }));
    writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(weights.buffer));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads as our spec and weights, predicts like the float64 reference, and re-saves identically', async () => {
    const m = await loadModelDir(dir);
    expect(m.spec).toEqual({
      name: 'sequential_1', inputShape: [6, 6, 3], labels: ['class_0', 'class_1', 'class_2', 'class_3'],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same' }, { type: 'activation', activation: 'relu' },
        { type: 'conv2d', filters: 3, kernelSize: 3 }, { type: 'activation', activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 }, { type: 'dropout', rate: 0.25 }, { type: 'flatten' },
        { type: 'dense', units: 4 }, { type: 'activation', activation: 'softmax' },
      ],
    });
    expect(m.weights).toEqual(weights);
    expect(m.metadata).toEqual({});

    const x = Float32Array.from({ length: 2 * 108 }, (_, i) => (i % 13) / 13);
    const replica = new Replica(m.spec);
    replica.setWeights(m.weights);
    const probs = replica.predict(x, 2);
    // -log p[label] from our predictions equals the float64 reference loss per sample.
    for (let b = 0; b < 2; b++) {
      const ref = referenceLoss(m.spec, m.weights, x.subarray(b * 108), [1], 1);
      expect(-Math.log(probs[b * 4 + 1])).toBeCloseTo(ref, 5);
    }
    replica.dispose();

    await saveModelDir(again, m.spec, m.weights);
    const back = await loadModelDir(again);
    expect(back.spec).toEqual(m.spec);
    expect(back.weights).toEqual(m.weights);
  });
});
