import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend.js';
import type { Conv2DSpec } from './conv2d.js';
import { expectForwardMatchesTfjs, expectGradientsMatchFiniteDifferences, expectKerasRoundTrip, specAround } from './layer-checks.test-util.js';

/**
 * Conv2D with strides 2 and 'same'/'valid' padding (TF's asymmetric 'same':
 * the smaller half of the padding first) and an L2 kernel regularizer: forward
 * as tfjs-layers' on cpu, gradients (with the penalty) as float64 finite
 * differences, Keras configs round-trip.
 */
const cases: Conv2DSpec[] = [
  { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 'same' },
  { type: 'conv2d', filters: 3, kernelSize: [3, 2], strides: 2 }, // padding 'valid': the default, which a spec leaves out
  { type: 'conv2d', filters: 2, kernelSize: 2, strides: [2, 1], padding: 'same', activation: 'relu', kernelRegularizer: { l2: 0.01 } },
];

describe('conv2d layer: strides, padding, l2', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(cases)('forward matches tfjs-layers Conv2D: %j', (l) => {
    const theirs = tfl.layers.conv2d({ filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, activation: l.activation ?? 'linear' });
    expectForwardMatchesTfjs(l, theirs, [8, 7, 2]);
  });

  it.each(cases)('gradients match finite differences: %j', (l) => {
    expectGradientsMatchFiniteDifferences(specAround(l, [8, 7, 2]));
  });

  it.each(cases)('round-trips through Keras and tfjs-layers configs: %j', (l) => {
    expectKerasRoundTrip(specAround(l, [8, 7, 2]));
  });
});
