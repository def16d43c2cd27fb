/**
 * One training step of a seed-shaped network built from plain tfjs ops, the
 * same ops Replica runs (fused conv2d + relu, maxPool, dropout masks, fused
 * dense, log-softmax cross-entropy summed), then Keras Adam on flat float32
 * vectors (@tensorpool/engine adamUpdate) and an in-place write of the new
 * weights into the variables' storage, as the trainer does.
 *
 * Conv(32,same)-Conv(32)-MaxPool2-Drop.25-Conv(64,same)-Conv(64)-MaxPool2-Drop.25-Flatten-Dense512-Drop.5-Dense(classes)
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '@tensorpool/core';
import { adamUpdate } from '@tensorpool/engine';

export interface StepNet {
  /** Runs forward, backward and Adam once; returns the summed loss. */
  step(): number;
  dispose(): void;
}

interface Layer { kernel: tf.Variable; bias: tf.Variable }

function glorot(rng: Random, shape: number[], fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-limit, limit);
  return tf.variable(tf.tensor(v, shape), true);
}

export function buildStepNet(batch: number, [h, w, c]: [number, number, number], classes: number, seed = 1): StepNet {
  const rng = new Random(seed);
  const conv = (cin: number, cout: number): Layer => ({ kernel: glorot(rng, [3, 3, cin, cout], 9 * cin, 9 * cout), bias: tf.variable(tf.zeros([cout]), true) });
  const dense = (cin: number, cout: number): Layer => ({ kernel: glorot(rng, [cin, cout], cin, cout), bias: tf.variable(tf.zeros([cout]), true) });
  const h2 = Math.floor((h - 2) / 2), w2 = Math.floor((w - 2) / 2);
  const h4 = Math.floor((h2 - 2) / 2), w4 = Math.floor((w2 - 2) / 2);
  const layers = [conv(c, 32), conv(32, 32), conv(32, 64), conv(64, 64), dense(h4 * w4 * 64, 512), dense(512, classes)];
  const vars = layers.flatMap((l) => [l.kernel, l.bias]);

  const x = tf.tensor4d(Float32Array.from({ length: batch * h * w * c }, () => rng.next()), [batch, h, w, c]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => rng.int(classes)), 'int32'), classes);
  const mask = (shape: number[], rate: number) =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() < rate ? 0 : 1 / (1 - rate))), shape);
  const m1 = mask([batch, h2, w2, 32], 0.25), m2 = mask([batch, h4, w4, 64], 0.25), m3 = mask([batch, 512], 0.5);

  const convRelu = (t: tf.Tensor4D, l: Layer, pad: 'same' | 'valid') =>
    tf.fused.conv2d({ x: t, filter: l.kernel as tf.Tensor4D, strides: 1, pad, bias: l.bias, activation: 'relu' });
  const loss = (): tf.Scalar => {
    let y = convRelu(x, layers[0], 'same');
    y = convRelu(y, layers[1], 'valid');
    y = tf.mul(tf.maxPool(y, 2, 2, 'valid'), m1);
    y = convRelu(y, layers[2], 'same');
    y = convRelu(y, layers[3], 'valid');
    y = tf.mul(tf.maxPool(y, 2, 2, 'valid'), m2);
    let d = tf.reshape(y, [batch, -1]) as tf.Tensor2D;
    d = tf.mul(tf.fused.matMul({ a: d, b: layers[4].kernel as tf.Tensor2D, bias: layers[4].bias, activation: 'relu' }), m3);
    const logits = tf.fused.matMul({ a: d, b: layers[5].kernel as tf.Tensor2D, bias: layers[5].bias });
    return tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)))) as tf.Scalar;
  };

  const sizes = vars.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const wFlat = new Float32Array(total), gFlat = new Float32Array(total), m = new Float32Array(total), v = new Float32Array(total);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  vars.forEach((vr, i) => wFlat.set(vr.dataSync() as Float32Array, offsets[i]));
  const heap = (t: tf.Tensor) => (tf.backend() as unknown as { typedArrayFromHeap?(t: tf.Tensor): Float32Array }).typedArrayFromHeap?.(t);
  let t = 0;

  return {
    step() {
      const { value, grads } = tf.variableGrads(loss, vars);
      const lossValue = value.dataSync()[0];
      vars.forEach((vr, i) => gFlat.set(grads[vr.name].dataSync() as Float32Array, offsets[i]));
      tf.dispose([value, ...Object.values(grads)]);
      adamUpdate(wFlat, gFlat, m, v, ++t);
      vars.forEach((vr, i) => {
        const src = wFlat.subarray(offsets[i], offsets[i] + sizes[i]);
        const dst = heap(vr);
        if (dst) dst.set(src);
        else vr.assign(tf.tensor(src.slice(), vr.shape));
      });
      return lossValue;
    },
    dispose() {
      tf.dispose([...vars, x, labels, m1, m2, m3]);
    },
  };
}
