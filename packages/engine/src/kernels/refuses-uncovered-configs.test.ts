import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorpool/core';
import { kernel, setupWasm } from './compare.test-util.js';

/** Configurations our kernels do not cover are refused with a BackendError, never computed wrong. */
describe('wasm training kernels refuse uncovered configurations', () => {
  beforeAll(setupWasm);

  it('refuses NCHW data and non-float32 inputs', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 4, 4, 2]);
    const dy = tf.ones([1, 4, 4, 3]);
    const call = (inputs: tf.NamedTensorMap, attrs: object) => () => kernel('Conv2DBackpropFilter', inputs, attrs);
    expect(call({ x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 4, 3] })).toThrow(BackendError);
    expect(call({ x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 4, 3] })).toThrow(/channels-last/);
    expect(() => kernel('Conv2DBackpropInput', { dy, filter: tf.ones([3, 3, 2, 3]) },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] })).toThrow(BackendError);
    expect(call({ x: tf.cast(x, 'int32'), dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] })).toThrow(/float32/);
  });

  it('refuses gradients of dilated convolutions (tfjs refuses them before our kernels too)', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
    const f = tf.variable(tf.ones([2, 2, 1, 1])) as tf.Variable<tf.Rank.R4>;
    expect(() => tf.variableGrads(() => tf.sum(tf.conv2d(x, f, 1, 'valid', 'NHWC', 2)), [f])).toThrow(/dilation/);
  });
});
