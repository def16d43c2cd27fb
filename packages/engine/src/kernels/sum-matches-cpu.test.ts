import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@tensorpool/core';
import { TOLERANCE, compareWithCpu, randomValues, setupWasm } from './compare.test-util.js';

/** Our leading-axes Sum on wasm (and the stock fallback for other axes) vs cpu. */
describe('Sum on wasm matches cpu', () => {
  beforeAll(setupWasm);

  const cases: { axis: number | number[]; keepDims: boolean; shape?: [number, number, number, number] }[] = [
    { axis: [0, 1, 2], keepDims: false }, // bias gradient of a conv layer
    { axis: [0, 1, 2], keepDims: true },
    { axis: [0, 1, 2], keepDims: false, shape: [2, 97, 101, 5] }, // a large pooling window
    { axis: [0, 1, 2], keepDims: false, shape: [4, 1, 1, 6] }, // 1x1 pixels: the row loop
    { axis: 0, keepDims: false }, // bias gradient of a dense layer (as [n, units])
    { axis: [1, 0], keepDims: true }, // unsorted leading axes
    { axis: [-4, -3, -2], keepDims: false }, // negative axes
    { axis: [1, 2], keepDims: false }, // not leading: stock kernel
    { axis: [0, 1, 2, 3], keepDims: false }, // everything: stock kernel
  ];
  for (const c of cases) {
    it(`over axis ${JSON.stringify(c.axis)} keepDims=${c.keepDims} of ${c.shape ?? 'a [3, 5, 7, 4] tensor'}`, async () => {
      const shape = c.shape ?? [3, 5, 7, 4];
      const x = randomValues(new Random(5), tf.util.sizeFromShape(shape));
      let refShape: number[] = [];
      const r = await compareWithCpu(() => {
        const out = tf.sum(tf.tensor4d(x, shape), c.axis, c.keepDims);
        refShape = out.shape;
        return out;
      });
      expect(r.shape).toEqual(refShape);
      expect(r.shape).toEqual(r.refShape);
      expect(r.err).toBeLessThan(TOLERANCE);
    });
  }
});
