// Parameter count and activation-memory estimate of a spec, from shapes
// alone: what the job service compares with its limits before allocating.
import { describe, expect, it } from 'vitest';
import { getPreset } from './presets.js';
import { estimateActivationBytes, paramCount } from './memory.js';
import type { ModelSpec } from './spec.js';

const tiny: ModelSpec = {
  name: 't', inputShape: [4, 4, 1], labels: ['a', 'b'],
  layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }],
};

describe('spec cost estimates', () => {
  it('counts parameters like Keras', () => {
    expect(paramCount(getPreset('seed'))).toBe(17_403_430);
    expect(paramCount(getPreset('fashion-mnist'))).toBe(889_834);
    expect(paramCount(tiny)).toBe(3 * 3 * 1 * 2 + 2 + 8 * 2 + 2);
  });

  it('estimates activations as 4 bytes x batch x (input + every output + the largest output)', () => {
    // input 16, conv 2x2x2 = 8, flatten 8, dense 2; largest 8.
    expect(estimateActivationBytes(tiny, 10)).toBe(4 * 10 * (16 + 8 + 8 + 2 + 8));
    const seed = estimateActivationBytes(getPreset('seed'), 32);
    expect(seed).toBeGreaterThan(0.1 * 1024 ** 3);
    expect(seed).toBeLessThan(0.3 * 1024 ** 3);
  });

  it('gives a huge number, not an allocation, for an absurd layer', () => {
    const wide: ModelSpec = { ...tiny, inputShape: [28, 28, 1], layers: [{ type: 'conv2d', filters: 1_000_000, kernelSize: 1 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    expect(estimateActivationBytes(wide, 1024)).toBeGreaterThan(1e12);
  });
});
