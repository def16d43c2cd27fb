import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend.js';
import type { MaxPooling2DSpec } from './max-pooling2d.js';
import { expectForwardMatchesTfjs, expectGradientsMatchFiniteDifferences, expectKerasRoundTrip, specAround } from './layer-checks.test-util.js';

/** MaxPooling2D with strides and padding: forward as tfjs-layers' on cpu, gradients as float64 finite differences, Keras configs round-trip. */
const cases: MaxPooling2DSpec[] = [
  { type: 'maxPooling2d', poolSize: 3, strides: 2, padding: 'same' },
  { type: 'maxPooling2d', poolSize: 3, strides: 2 }, // padding 'valid': the default, which a spec leaves out
  { type: 'maxPooling2d', poolSize: [2, 3], strides: [1, 2], padding: 'same' },
];

describe('maxPooling2d layer: strides and padding', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(cases)('forward matches tfjs-layers MaxPooling2D: %j', (l) => {
    expectForwardMatchesTfjs(l, tfl.layers.maxPooling2d({ poolSize: l.poolSize, strides: l.strides, padding: l.padding }), [7, 6, 2]);
  });

  it.each(cases)('gradients match finite differences: %j', (l) => {
    expectGradientsMatchFiniteDifferences(specAround(l));
  });

  it.each(cases)('round-trips through Keras and tfjs-layers configs: %j', (l) => {
    expectKerasRoundTrip(specAround(l));
  });
});
