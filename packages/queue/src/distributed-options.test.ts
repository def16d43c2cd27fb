// A distributed job with train's options, in-process coordinator and worker on
// a small .npz in a data root: `augment: 'offline'` trains each shard on its
// 18-fold expansion; `validationSplit` holds samples out of training and
// reports validation metrics apart from test metrics; `normalization:
// 'mean-std'` is replaced in the job record by the measured numbers before any
// shard runs, and a record whose stored numbers are invalid fails the job.
import { describe, expect, it } from 'vitest';
import { until } from './fixtures.test-util.js';
import { inProcessCluster } from './in-process-cluster.test-util.js';
import type { JobStatus } from './state.js';

const { client } = inProcessCluster('dist-options');

const spec = { name: 'tiny', inputShape: [4, 4, 1], labels: ['0', '1'], layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] };

function finished(jobId: string): Promise<JobStatus> {
  return until(async () => {
    const s = await client.status(jobId);
    return ['completed', 'failed', 'cancelled'].includes(s.state) ? s : undefined;
  }, 100);
}

describe('distributed jobs with train options', () => {
  it('expands each shard 18x offline, holds out a validation split, measures mean-std', { timeout: 120_000 }, async () => {
    const { jobId } = await client.enqueue({ spec, data: 'small.npz', epochs: 1, shards: 2, batchSize: 8, augment: 'offline', validationSplit: 0.2, normalization: 'mean-std' });
    const s = await finished(jobId);
    expect(s.state, s.error).toBe('completed');
    const e = s.epochMetrics[0];
    expect(e.samples).toBe(16 * 18); // 20 train samples, 4 held out (2 per class), the rest expanded 18x
    expect(e.shards.map((x) => x.samples)).toEqual([8 * 18, 8 * 18]);
    // Measured over the 4 held-out samples and the 20 test samples respectively: multiples of 1/4 and 1/20.
    const multiple = (x: number | undefined, n: number) => Math.abs(x! * n - Math.round(x! * n)) < 1e-9;
    expect(multiple(e.valAccuracy, 4)).toBe(true);
    expect(multiple(e.testAccuracy, 20)).toBe(true);
    const metrics = await client.metrics(jobId);
    expect(metrics).toMatchObject({ valSamples: 4, testSamples: 20, validationSplit: 0.2 });
    const norm = metrics.normalization as { mean: number[]; std: number[] };
    expect(norm.mean).toHaveLength(1);
    expect(norm.std[0]).toBeGreaterThan(0);
    const stored = JSON.parse((await client.redis.hget(client.keys.job(jobId), 'options'))!) as { normalization: unknown };
    expect(stored.normalization).toEqual(norm);
  });

  it('reads measured numbers back validated: a std of 0 in the record is refused naming the field', async () => {
    const { jobId } = await client.enqueue({ spec, data: 'small.npz', epochs: 1, normalization: { mean: [100], std: [50] } });
    await finished(jobId);
    const opts = JSON.parse((await client.redis.hget(client.keys.job(jobId), 'options'))!) as Record<string, unknown>;
    await client.redis.hset(client.keys.job(jobId), 'options', JSON.stringify({ ...opts, normalization: { mean: [100], std: [0] } }));
    await expect(client.status(jobId)).rejects.toThrow(/corrupt record in Redis: options\.normalization\.std\.0: must be > 0/);
  });
});
