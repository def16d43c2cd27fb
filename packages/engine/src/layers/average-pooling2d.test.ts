import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../backend.js';
import type { AveragePooling2DSpec } from './average-pooling2d.js';
import { expectForwardMatchesTfjs, expectGradientsMatchFiniteDifferences, expectKerasRoundTrip, specAround } from './layer-checks.test-util.js';

/** AveragePooling2D: forward as tfjs-layers' on cpu, gradients as float64 finite differences, Keras configs round-trip. */
const cases: AveragePooling2DSpec[] = [
  { type: 'averagePooling2d', poolSize: 2 },
  { type: 'averagePooling2d', poolSize: 3, strides: 2, padding: 'same' }, // border windows average fewer cells
  { type: 'averagePooling2d', poolSize: [2, 3], strides: 1 },
];

describe('averagePooling2d layer', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(cases)('forward matches tfjs-layers AveragePooling2D: %j', (l) => {
    expectForwardMatchesTfjs(l, tfl.layers.averagePooling2d({ poolSize: l.poolSize ?? 2, strides: l.strides ?? l.poolSize, padding: l.padding ?? 'valid' }), [7, 6, 2]);
  });

  it.each(cases)('gradients match finite differences: %j', (l) => {
    expectGradientsMatchFiniteDifferences(specAround(l));
  });

  it.each(cases)('round-trips through Keras and tfjs-layers configs: %j', (l) => {
    expectKerasRoundTrip(specAround(l));
  });
});
