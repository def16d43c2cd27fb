import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { Replica } from '../replica.js';
import { initialWeights } from '../init.js';
import { testBatch } from '../reference-net.test-util.js';
import type { ModelSpec } from '../spec.js';

/**
 * The layer modules on the wasm backend with our training kernels (what the
 * trainer runs) give the cpu backend's loss and gradients: strided 'same'
 * convolution with l2, average and max pooling with 'same' borders, both
 * global poolings, dropout, batch normalization. max|g_wasm - g_cpu| <= 1e-5 * max|g_cpu|.
 */
const specs = (['globalAveragePooling2d', 'globalMaxPooling2d'] as const).map((global): ModelSpec => ({
  name: `wasm-${global}`, inputShape: [9, 8, 2], labels: ['a', 'b', 'c'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelRegularizer: { l2: 0.01 } },
    { type: 'averagePooling2d', poolSize: 3, strides: 1, padding: 'same' },
    { type: 'conv2d', filters: 5, kernelSize: 2 },
    { type: 'maxPooling2d', poolSize: 2, strides: 1, padding: 'same' },
    { type: global },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 3, activation: 'softmax', kernelRegularizer: { l2: 0.001 } },
  ],
}));
// Batch normalization in training mode after a conv and after a dense, its ReLU fused.
specs.push({
  name: 'wasm-batchNormalization', inputShape: [9, 8, 2], labels: ['a', 'b', 'c'],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' },
    { type: 'dense', units: 6 }, { type: 'batchNormalization', momentum: 0.9 }, { type: 'activation', activation: 'relu' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
});

async function run(backend: string, spec: ModelSpec) {
  await initBackend(backend);
  const { x, labels } = testBatch(spec, 4, 6);
  const r = new Replica(spec);
  r.setWeights(initialWeights(spec, 3));
  const g = new Float32Array(r.manifest.total);
  const s = r.gradients(x, labels, 4, { training: true, seed: 2, epoch: 1, sampleIds: [5, 6, 7, 8] }, g);
  r.dispose();
  return { g, loss: s.lossSum };
}

describe('layer modules on wasm', () => {
  it.each(specs)('equal the cpu backend: $name', async (spec) => {
    const cpu = await run('cpu', spec);
    const wasm = await run('wasm', spec);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    const scale = cpu.g.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(1e-3);
    for (let i = 0; i < cpu.g.length; i++) expect(Math.abs(wasm.g[i] - cpu.g[i]), `gradient ${i}`).toBeLessThanOrEqual(1e-5 * scale);
  });
});
