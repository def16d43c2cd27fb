import { describe, expect, it } from 'vitest';
import { initialWeights } from './init.js';
import { weightManifest } from './manifest.js';
import { getPreset } from './presets.js';

/**
 * initialWeights(spec, seed, into) draws into a given buffer (the trainer's
 * shared weights) the same vector as without it, whatever the buffer held
 * before (biases are zeroed, not skipped), and refuses a buffer of the wrong size.
 */
describe('initial weights drawn into a buffer', () => {
  const spec = getPreset('fashion-mnist');
  const total = weightManifest(spec).total;

  it('equal the returned vector, over stale contents', () => {
    const into = new Float32Array(new SharedArrayBuffer(total * 4)).fill(123.5);
    const got = initialWeights(spec, 42, into);
    expect(got).toBe(into);
    const ref = initialWeights(spec, 42);
    let differ = 0;
    for (let i = 0; i < total; i++) if (into[i] !== ref[i]) differ++;
    expect(differ).toBe(0);
  });

  it('refuses a buffer of the wrong length, naming both sizes', () => {
    expect(() => initialWeights(spec, 1, new Float32Array(10))).toThrow(/'into' has 10 values but model 'fashion-mnist' needs 889834/);
  });
});
