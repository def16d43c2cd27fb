import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend.js';
import type { GlobalAveragePooling2DSpec } from './global-average-pooling2d.js';
import { expectForwardMatchesTfjs, expectGradientsMatchFiniteDifferences, expectKerasRoundTrip, specAround } from './layer-checks.test-util.js';

/** GlobalAveragePooling2D: forward as tfjs-layers' on cpu, gradients as float64 finite differences, Keras configs round-trip. */
const layer: GlobalAveragePooling2DSpec = { type: 'globalAveragePooling2d' };

describe('globalAveragePooling2d layer', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('forward matches tfjs-layers GlobalAveragePooling2D: [n, h, w, c] -> [n, c]', () => {
    expectForwardMatchesTfjs(layer, tfl.layers.globalAveragePooling2d({}), [5, 4, 3]);
  });

  it('gradients match finite differences', () => {
    expectGradientsMatchFiniteDifferences(specAround(layer));
  });

  it('round-trips through Keras and tfjs-layers configs', () => {
    expectKerasRoundTrip(specAround(layer));
  });
});
