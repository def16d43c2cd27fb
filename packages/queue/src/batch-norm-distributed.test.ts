// A distributed job on a model with BatchNormalization: the moving statistics
// travel with the weights (worker -> Redis -> round average -> saved model)
// and come out moved from their start (mean 0, variance 1), finite, with
// variances > 0; gamma/beta take the outer optimizer, the moving statistics
// the plain average (outer.test.ts). In-process coordinator and worker, small .npz.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerInfos, loadModel, type ModelSpec } from '@tensorpool/engine';
import { until } from './fixtures.test-util.js';
import { inProcessCluster } from './in-process-cluster.test-util.js';

const { models, client } = inProcessCluster('bn-dist');

const spec: ModelSpec = {
  name: 'tiny-bn', inputShape: [4, 4, 1], labels: ['0', '1'],
  layers: [
    { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same' }, { type: 'batchNormalization', momentum: 0.5 }, { type: 'activation', activation: 'relu' },
    { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' },
  ],
};

describe('BatchNormalization in a distributed job', () => {
  it('the saved model holds averaged, moved, finite moving statistics', { timeout: 60_000 }, async () => {
    const { jobId } = await client.enqueue({ spec, data: 'small.npz', epochs: 1, shards: 2, batchSize: 8 });
    const s = await until(async () => {
      const st = await client.status(jobId);
      return ['completed', 'failed', 'cancelled'].includes(st.state) ? st : undefined;
    }, 100);
    expect(s.state, s.error).toBe('completed');
    const m = await loadModel(join(models, jobId));
    const [, , mean, variance] = layerInfos(m.spec)[1].weights.map((e) => Array.from(m.weights.subarray(e.offset, e.offset + e.size)));
    expect([...mean, ...variance].every(Number.isFinite)).toBe(true);
    expect(mean.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(variance.every((v) => v > 0)).toBe(true);
    expect(variance.some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
  });
});
