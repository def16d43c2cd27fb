import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { DEFAULTS, Random } from '@tensorpool/core';
import { ADAM_DEFAULTS, adamUpdate } from './adam.js';

/**
 * adamUpdate is Keras's Adam: checked (1) against a float64 transcription of
 * Keras's update (epsilon on the uncorrected sqrt(v)) within 1e-6 relative,
 * (2) against tf.train.adam on the cpu backend within 3e-7 absolute (5 float32
 * ulps of weights ~0.5, which move by up to 5e-3 over the 5 steps). tfjs adds
 * epsilon to the bias-corrected sqrt(v_hat) (its effective epsilon is
 * eps / sqrt(1 - b2^t) in Keras's form, 30x Keras's at t = 1), so that
 * comparison uses a negligible epsilon (1e-12) on both sides; the epsilon
 * placement itself is checked by (1). (3) Splitting the update into slices
 * gives the identical result.
 */
const N = 1000;
const steps = 5;

function gradientsFor(t: number): Float32Array {
  const r = new Random(17, t);
  return Float32Array.from({ length: N }, () => r.uniform(-1, 1) * (0.1 + r.next()));
}

const initial = () => {
  const r = new Random(3);
  return Float32Array.from({ length: N }, () => r.uniform(-0.5, 0.5));
};

describe('adamUpdate is Keras Adam', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('uses the defaults from DEFAULTS', () => {
    expect(ADAM_DEFAULTS).toEqual({ learningRate: DEFAULTS.learningRate, beta1: DEFAULTS.beta1, beta2: DEFAULTS.beta2, epsilon: DEFAULTS.epsilon });
  });

  it('matches a float64 transcription of Keras, including tiny gradients where epsilon placement matters', () => {
    const w = initial();
    const m = new Float32Array(N);
    const v = new Float32Array(N);
    const w64 = Float64Array.from(w);
    const m64 = new Float64Array(N);
    const v64 = new Float64Array(N);
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = ADAM_DEFAULTS;
    for (let t = 1; t <= steps; t++) {
      const g = gradientsFor(t).map((x, i) => (i % 2 ? x * 1e-6 : x));
      adamUpdate(w, g, m, v, t);
      const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < N; i++) {
        m64[i] = b1 * m64[i] + (1 - b1) * g[i];
        v64[i] = b2 * v64[i] + (1 - b2) * g[i] * g[i];
        w64[i] -= (lrT * m64[i]) / (Math.sqrt(v64[i]) + eps);
      }
    }
    for (let i = 0; i < N; i++) expect(Math.abs(w[i] - w64[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w64[i])));
  });

  it('matches tf.train.adam on the cpu backend', () => {
    const w = initial();
    const m = new Float32Array(N);
    const v = new Float32Array(N);
    // A copy: on the cpu backend a tensor made from a Float32Array aliases it.
    const variable = tf.variable(tf.tensor1d(w.slice()));
    // Epsilon placement differs (see above): compare the rest of the update with a negligible epsilon on both sides.
    const opts = { ...ADAM_DEFAULTS, epsilon: 1e-12 };
    const opt = tf.train.adam(opts.learningRate, opts.beta1, opts.beta2, opts.epsilon);
    for (let t = 1; t <= steps; t++) {
      const g = gradientsFor(t);
      adamUpdate(w, g, m, v, t, opts);
      const gt = tf.tensor1d(g);
      opt.applyGradients([{ name: variable.name, tensor: gt }]);
      gt.dispose();
    }
    const ref = variable.dataSync();
    const start = initial();
    let moved = 0;
    for (let i = 0; i < N; i++) {
      expect(Math.abs(w[i] - ref[i])).toBeLessThanOrEqual(3e-7);
      moved = Math.max(moved, Math.abs(w[i] - start[i]));
    }
    expect(moved).toBeGreaterThan(steps * 0.5 * ADAM_DEFAULTS.learningRate);
    opt.dispose();
    variable.dispose();
  });

  it('an update split into slices equals the whole update', () => {
    const whole = { w: initial(), m: new Float32Array(N), v: new Float32Array(N) };
    const split = { w: initial(), m: new Float32Array(N), v: new Float32Array(N) };
    for (let t = 1; t <= steps; t++) {
      const g = gradientsFor(t);
      adamUpdate(whole.w, g, whole.m, whole.v, t);
      adamUpdate(split.w, g, split.m, split.v, t, ADAM_DEFAULTS, 0, 333);
      adamUpdate(split.w, g, split.m, split.v, t, ADAM_DEFAULTS, 333, N);
    }
    expect(split.w).toEqual(whole.w);
    expect(split.m).toEqual(whole.m);
    expect(split.v).toEqual(whole.v);
  });

  it('rejects a 0-based step and mismatched lengths', () => {
    const a = new Float32Array(4);
    expect(() => adamUpdate(a, a, a, a, 0)).toThrow(/1-based/);
    expect(() => adamUpdate(a, new Float32Array(3), a, a, 1)).toThrow(/same length/);
  });
});
