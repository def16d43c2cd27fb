import { describe, expect, it } from 'vitest';
import { getPreset } from './presets.js';
import { inferShapes, weightManifest } from './manifest.js';
import { summary } from './summary.js';
import type { ModelSpec } from './spec.js';

/**
 * Parameter counts and shapes as Keras reports them for the seed script's
 * network: 17,403,430 at 100x100x3 with 6 classes, 889,834 at 28x28x1 with 10.
 * (By hand: 896 + 9,248 + 18,496 + 36,928 + 23*23*64*512+512 + 512*6+6.)
 */
describe('weight manifest, shapes and summary', () => {
  it('seed preset: Keras order, names, shapes, offsets, total 17,403,430', () => {
    const m = weightManifest(getPreset('seed'));
    expect(m.total).toBe(17_403_430);
    expect(m.entries.map((e) => [e.name, e.shape])).toEqual([
      ['conv2d_1/kernel', [3, 3, 3, 32]], ['conv2d_1/bias', [32]],
      ['conv2d_2/kernel', [3, 3, 32, 32]], ['conv2d_2/bias', [32]],
      ['conv2d_3/kernel', [3, 3, 32, 64]], ['conv2d_3/bias', [64]],
      ['conv2d_4/kernel', [3, 3, 64, 64]], ['conv2d_4/bias', [64]],
      ['dense_1/kernel', [33856, 512]], ['dense_1/bias', [512]],
      ['dense_2/kernel', [512, 6]], ['dense_2/bias', [6]],
    ]);
    let offset = 0;
    for (const e of m.entries) {
      expect(e.offset).toBe(offset);
      expect(e.size).toBe(e.shape.reduce((a, b) => a * b, 1));
      offset += e.size;
    }
    expect(offset).toBe(m.total);
  });

  it('fashion-mnist preset: total 889,834', () => {
    expect(weightManifest(getPreset('fashion-mnist')).total).toBe(889_834);
    expect(inferShapes(getPreset('fashion-mnist'))[12]).toEqual([1600]);
  });

  it('output shapes follow same/valid padding, strides and pooling', () => {
    expect(inferShapes(getPreset('seed')).filter((_, i) => [0, 2, 4, 6, 8, 10, 12, 13, 16].includes(i))).toEqual([
      [100, 100, 32], [98, 98, 32], [49, 49, 32], [49, 49, 64], [47, 47, 64], [23, 23, 64], [33856], [512], [6],
    ]);
    const s: ModelSpec = {
      name: 's', inputShape: [11, 9, 2], labels: ['a', 'b'],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same' }, // ceil(11/2), ceil(9/2)
        { type: 'conv2d', filters: 3, kernelSize: 3, strides: [2, 1] }, // floor((6-3)/2)+1, 5-3+1
        { type: 'maxPooling2d', poolSize: 2, strides: 1, padding: 'same' },
        { type: 'maxPooling2d', poolSize: [2, 3] },
        { type: 'flatten' },
        { type: 'dense', units: 2, activation: 'softmax' },
      ],
    };
    expect(inferShapes(s)).toEqual([[6, 5, 3], [2, 3, 3], [2, 3, 3], [1, 1, 3], [3], [2]]);
  });

  it('summary is a Keras-style table with totals', () => {
    const text = summary(getPreset('seed'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "seed"');
    expect(text).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(text).toMatch(/conv2d_1 \(Conv2D\)\s+\(None, 100, 100, 32\)\s+896\n/);
    expect(text).toMatch(/max_pooling2d_2 \(MaxPooling2D\)\s+\(None, 23, 23, 64\)\s+0\n/);
    expect(text).toMatch(/dense_1 \(Dense\)\s+\(None, 512\)\s+17,334,784\n/);
    expect(lines.slice(-4, -1)).toEqual(['Total params: 17,403,430', 'Trainable params: 17,403,430', 'Non-trainable params: 0']);
    expect(summary(getPreset('fashion-mnist'))).toContain('Total params: 889,834\n');
  });
});
